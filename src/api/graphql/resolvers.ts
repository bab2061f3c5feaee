// The resolvers of schema.graphql. They call the services the REST routes call (search, import actions, upload,
// bulk, reindex, history reads), never their own copies, and they audit what they change as the routes do.
import { setTimeout as sleep } from 'node:timers/promises';
import { unlink } from 'node:fs/promises';
import { GraphQLError } from 'graphql';
import type { Context } from 'koa';
import type { ApiDeps, AuthUser } from '../deps';
import { auditFromCtx } from '../middleware/audit';
import { runCourseSearch, searchDepsOf } from '../../courses/search';
import { MAX_WINDOW, type CourseFilters, type CourseQuery, type SearchFacetName, type Sort } from '../../courses/filters';
import { getCourse, importsOfCourse, type CourseRow } from '../../db/course-queries';
import { courseOfRow, importDetail, listImports, previewRows, rowErrorsPage, type HistoryFilters, type HistoryRow, type PreviewAction } from '../../db/import-history';
import { importStatus, type ImportStatusView } from '../../imports/status';
import { importTimeline, timelineFromLedger, type Timeline } from '../../imports/timeline';
import { ActionRefused, canRevert, cancelImport, decideDryRun, startRevert } from '../../imports/actions';
import { startUploadImport, UploadRefused } from '../../imports/start-upload';
import { startUrlImport } from '../../imports/start-url';
import { MAX_URL_LENGTH, UrlImportRefused } from '../../imports/url-download';
import { UnknownMappingProfileError } from '../../db/mapping-profiles';
import { profileNameProblem } from '../../domain/mapping';
import { bulkProgress, startBulk } from '../../temporal/start-bulk';
import type { Selection } from '../../courses/selection';
import { getBulkAction } from '../../db/bulk-actions';
import { reindexProgress, startReindex } from '../../temporal/start-reindex';
import { consumerStatus, runningImports } from '../../monitoring/status';
import { translator } from '../../i18n/i18n';
import type { BulkAction, BulkProgress, ImportSource, ImportStatus } from '../../contract';
import type { ImportMode } from '../../domain/types';
import { checkedPage } from './limits';

/** CourseFacets' field of each facet of the search (the taxonomy's category_id is not one of them). */
const GRAPHQL_FACET_NAMES: Partial<Record<SearchFacetName, string>> = {
  category: 'category',
  difficulty: 'difficulty',
  learning_mode: 'learningMode',
  is_free: 'isFree',
  is_active: 'isActive',
};

/** A file of a GraphQL multipart request, stored in incoming/ by uploadBody; `consumed` once an import took it. */
export class UploadedFile {
  consumed = false;
  constructor(
    readonly path: string,
    readonly originalName: string | null,
  ) {}
}

/** What every resolver receives: the Koa request (for audit and logging), the app's clients, who asks. */
export type GraphQLContext = {
  koa: Context;
  deps: ApiDeps;
  user: AuthUser;
  /** Per-request memo (e.g. one importStatus per import however many fields ask for it). */
  memo: Map<string, Promise<unknown>>;
};

/** An Import object: its ledger row; the heavier views are loaded when a field asks for them. */
interface ImportRef {
  row: HistoryRow;
}

type Args = Record<string, unknown>;
type Resolver = (parent: never, args: never, context: GraphQLContext) => unknown;

function gqlError(message: string, code: string, extra: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extra } });
}

/**
 * Mutations are for administrators (viewers read only, as in REST), and only over POST: a GET can be sent by
 * any page the browser visits with the session cookie and carries no CSRF token.
 */
function requireAdmin(c: GraphQLContext): void {
  if (c.user.role !== 'admin') throw gqlError('Your account can read but not change anything. Ask an administrator.', 'FORBIDDEN', { status: 403 });
  if (c.koa.method !== 'POST') throw gqlError('Mutations must be sent with POST.', 'FORBIDDEN', { status: 405 });
}

function memo<T>(c: GraphQLContext, key: string, load: () => Promise<T>): Promise<T> {
  let p = c.memo.get(key) as Promise<T> | undefined;
  if (!p) {
    p = load();
    c.memo.set(key, p);
  }
  return p;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** An import id as the REST routes accept it (a uuid); anything else is simply not an import. */
function importId(v: unknown): string | null {
  const s = String(v ?? '');
  return UUID.test(s) ? s.toLowerCase() : null;
}

function clientDeps(c: GraphQLContext) {
  return { sql: c.deps.sql, temporal: c.deps.temporal, config: c.deps.config };
}

function statusViewOf(c: GraphQLContext, id: string): Promise<ImportStatusView | null> {
  return memo(c, `status:${id}`, () => importStatus(clientDeps(c), id));
}

async function importRef(c: GraphQLContext, id: string): Promise<ImportRef | null> {
  const row = await memo(c, `detail:${id}`, () => importDetail(c.deps.sql, id));
  return row ? { row } : null;
}

function str(v: unknown, max: number, what: string): string {
  const s = typeof v === 'string' ? v.trim() : '';
  if (s.length > max) throw gqlError(`${what} is limited to ${max} characters.`, 'BAD_USER_INPUT', { argument: what });
  return s;
}

/** The GraphQL CourseFilter as the admin's filters (same shape the list, bulk actions and exports read). */
function courseFilters(input: unknown): CourseFilters {
  const f = (input ?? {}) as Args;
  const list = (v: unknown, what: string): string[] => {
    const values = Array.isArray(v) ? v.map((x) => String(x).trim()).filter((x) => x !== '') : [];
    if (values.length > 50) throw gqlError(`${what}: 50 values at most.`, 'BAD_USER_INPUT', { argument: what });
    if (values.some((x) => x.length > 200)) throw gqlError(`${what}: values are limited to 200 characters.`, 'BAD_USER_INPUT', { argument: what });
    return values;
  };
  const money = (v: unknown, what: string): number | null => {
    if (v === null || v === undefined) return null;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw gqlError(`${what} must be a positive number.`, 'BAD_USER_INPUT', { argument: what });
    return v;
  };
  const bool = (v: unknown): boolean | null => (typeof v === 'boolean' ? v : null);
  return {
    q: str(f.q, 200, 'q'),
    category: list(f.category, 'category'),
    difficulty: list(f.difficulty, 'difficulty'),
    learning_mode: list(f.learningMode, 'learningMode'),
    is_free: bool(f.isFree),
    is_active: bool(f.isActive),
    price_min: money(f.priceMin, 'priceMin'),
    price_max: money(f.priceMax, 'priceMax'),
  };
}

function historyFilters(input: unknown): HistoryFilters {
  const f = (input ?? {}) as Args;
  const day = (v: unknown, what: string): string | undefined => {
    if (v === null || v === undefined) return undefined;
    const s = String(v);
    if (!DAY.test(s) || Number.isNaN(Date.parse(s))) throw gqlError(`${what} must be a day, YYYY-MM-DD.`, 'BAD_USER_INPUT', { argument: what });
    return s;
  };
  const from = day(f.from, 'from');
  const to = day(f.to, 'to');
  const fileName = str(f.fileName, 200, 'fileName');
  return {
    ...(typeof f.status === 'string' ? { status: f.status as ImportStatus } : {}),
    ...(typeof f.source === 'string' ? { source: f.source as ImportSource } : {}),
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
    ...(fileName ? { fileName } : {}),
  };
}

/** An action refused by the import's state (404/409 in REST) as a GraphQL error with the same status. */
function refusal(err: unknown): never {
  if (err instanceof ActionRefused) throw gqlError(err.message, err.status === 404 ? 'NOT_FOUND' : 'CONFLICT', { status: err.status });
  throw err;
}

const ACTION_MESSAGES = {
  confirm: 'imports.flash.confirmed',
  discard: 'imports.flash.discarded',
  cancel: 'imports.flash.cancelRequested',
} as const;

async function importAction(c: GraphQLContext, args: Args, action: 'confirm' | 'discard' | 'cancel' | 'revert') {
  requireAdmin(c);
  const id = importId(args.id);
  if (!id) throw gqlError('There is no such import.', 'NOT_FOUND', { status: 404 });
  let key: string;
  try {
    if (action === 'revert') {
      const r = await startRevert(clientDeps(c), id, { requestedBy: c.user.email, force: args.force === true });
      key = r.started ? 'imports.flash.revertStarted' : 'imports.flash.revertRunning';
    } else {
      if (action === 'cancel') await cancelImport(clientDeps(c), id);
      else await decideDryRun(clientDeps(c), id, action);
      key = ACTION_MESSAGES[action];
    }
  } catch (err) {
    refusal(err);
  }
  await auditFromCtx(c.koa, `import.${action}`, id, action === 'revert' ? { force: args.force === true, via: 'graphql' } : { via: 'graphql' });
  return { importId: id, action, message: translator('en')(key), import: () => importRef(c, id) };
}

/** The progress object of the schema from the status view (the subscription's events are the same objects). */
function progressOf(v: ImportStatusView) {
  return {
    importId: v.importId,
    status: v.status,
    step: v.step,
    open: v.open,
    ...v.progress,
    counts: v.counts,
    error: v.error,
    errors: v.errors,
    warnings: v.warnings,
    done: !v.open,
    summary: v.open
      ? null
      : {
          status: v.status,
          counts: v.counts,
          error: v.error,
          // An import closed without a finish time (e.g. discarded before it ran) ends at its last known time.
          finishedAt: v.finishedAt ?? v.createdAt,
          durationMs: v.durationMs,
          archivedTo: v.archivedTo,
          revertedAt: v.reverted?.at ?? null,
        },
  };
}

function bulkView(p: BulkProgress) {
  return { ...p, created: p.created.map(String), done: p.status === 'succeeded' || p.status === 'failed' };
}

function courseView(row: CourseRow) {
  return {
    id: String(row.id),
    naturalKey: row.natural_key,
    externalId: row.external_id,
    title: row.title,
    description: row.description,
    category: row.category,
    instructor: row.instructor,
    durationHours: row.duration_hours === null || row.duration_hours === undefined ? null : Number(row.duration_hours),
    difficulty: row.difficulty,
    learningMode: row.learning_mode,
    price: Number(row.price),
    isFree: row.is_free,
    tags: row.tags ?? [],
    qualityScore: Number(row.quality_score),
    isActive: row.is_active,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    lessons: row.lessons.map((l) => ({ order: l.order, title: l.title, content: l.content, videoUrl: l.video_url })),
  };
}

/** How often the subscription looks at the import (the ledger and the run's progress query), in milliseconds. */
export const PROGRESS_POLL_MS = 500;

/**
 * The importProgress subscription: an event whenever what the import page would show changes, ending after
 * the event with done = true. Polls importStatus (the page's own source) every `pollMs` because the run publishes
 * its progress as a workflow query, not as events. A hand-written iterator rather than an async generator: a
 * generator's return() waits for its next yield, so a client gone during a long wait (a preview waiting for its
 * confirmation) would keep it polling; here return() stops it at once. next() rejects with NOT_FOUND when the
 * import disappears.
 */
function followImport(c: GraphQLContext, id: string, pollMs = PROGRESS_POLL_MS): AsyncIterableIterator<{ importProgress: ReturnType<typeof progressOf> }> {
  const stop = new AbortController();
  let last = '';
  let finished = false;
  const end = { value: undefined, done: true } as const;
  const iterator: AsyncIterableIterator<{ importProgress: ReturnType<typeof progressOf> }> = {
    async next() {
      while (!finished && !stop.signal.aborted) {
        if (last !== '') {
          try {
            await sleep(pollMs, undefined, { signal: stop.signal });
          } catch {
            break; // aborted by return()
          }
        }
        const view = await importStatus(clientDeps(c), id);
        if (!view) throw gqlError('There is no such import.', 'NOT_FOUND', { status: 404 });
        const event = progressOf(view);
        const key = JSON.stringify(event);
        if (key === last) continue;
        last = key;
        finished = event.done;
        return { value: { importProgress: event }, done: false };
      }
      return end;
    },
    async return() {
      stop.abort();
      return end;
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}

const historyRowView = {
  id: (p: ImportRef) => p.row.id,
  workflowId: (p: ImportRef) => p.row.workflow_id,
  fileName: (p: ImportRef) => p.row.file_name,
  source: (p: ImportRef) => p.row.source,
  mode: (p: ImportRef) => p.row.mode,
  dryRun: (p: ImportRef) => p.row.dry_run,
  status: (p: ImportRef) => p.row.status,
  step: (p: ImportRef) => p.row.step,
  startedBy: (p: ImportRef) => p.row.started_by,
  counts: (p: ImportRef) => p.row.counts,
  errorMessage: (p: ImportRef) => p.row.error_message,
  createdAt: (p: ImportRef) => p.row.created_at,
  finishedAt: (p: ImportRef) => p.row.finished_at,
  revertedAt: (p: ImportRef) => p.row.reverted_at,
  canRevert: (p: ImportRef) => canRevert(p.row),
};

/**
 * Field resolvers by type name, then field name. Fields without one read the parent's property of the same
 * name (graphql-js's default). Subscription fields are `{ subscribe, resolve }`.
 */
export const resolvers = {
  Query: {
    me: (_p: unknown, _a: Args, c: GraphQLContext) => ({ email: c.user.email, role: c.user.role, via: c.koa.state.via ?? 'session' }),

    courses: async (_p: unknown, args: Args, c: GraphQLContext) => {
      const perPageArg = Number(args.perPage);
      const { page, perPage } = checkedPage(Number(args.page), perPageArg, Math.max(1, Math.floor(MAX_WINDOW / Math.max(1, perPageArg))));
      const q: CourseQuery = { ...courseFilters(args.filter), sort: (args.sort as Sort | undefined) ?? 'relevance', page, perPage };
      const r = await runCourseSearch(searchDepsOf(c.deps, c.koa.state.log ?? c.deps.logger), q, c.user.email);
      return {
        total: r.total,
        page,
        perPage,
        tookMs: Math.round(r.tookMs),
        backend: r.backend,
        notice: r.notice,
        facets: Object.fromEntries(Object.entries(GRAPHQL_FACET_NAMES).map(([name, field]) => [field, r.facets[name as SearchFacetName]])),
        estimatedFacets: r.estimatedFacets.flatMap((name) => GRAPHQL_FACET_NAMES[name] ?? []),
        hits: r.hits.map((h) => ({
          id: String(h.id),
          title: h.title,
          category: h.category,
          instructor: h.instructor,
          difficulty: h.difficulty,
          learningMode: h.learning_mode,
          price: Number(h.price),
          isFree: h.is_free,
          isActive: h.is_active,
          qualityScore: Number(h.quality_score),
          tags: h.tags ?? [],
          createdAt: h.created_at,
          highlight: h.highlight ?? {},
        })),
      };
    },

    course: async (_p: unknown, args: Args, c: GraphQLContext) => {
      const raw = String(args.id ?? '');
      if (!/^\d{1,15}$/.test(raw)) return null;
      const row = await getCourse(c.deps.sql, Number(raw));
      return row ? courseView(row) : null;
    },

    imports: async (_p: unknown, args: Args, c: GraphQLContext) => {
      const { page, perPage, offset } = checkedPage(Number(args.page), Number(args.perPage));
      const r = await listImports(c.deps.sql, historyFilters(args.filter), offset, perPage);
      return { total: r.total, page, perPage, imports: r.rows.map((row): ImportRef => ({ row })) };
    },

    import: async (_p: unknown, args: Args, c: GraphQLContext) => {
      const id = importId(args.id);
      return id ? importRef(c, id) : null;
    },

    pipelineStatus: async (_p: unknown, _a: Args, c: GraphQLContext) => {
      const mdeps = { config: c.deps.config, sql: c.deps.sql, es: c.deps.es, temporal: c.deps.temporal };
      const [status, running] = await Promise.all([consumerStatus(mdeps), runningImports(c.deps.temporal, c.deps.sql, c.deps.config.temporal.taskQueue)]);
      return {
        status: status.status,
        checkedAt: status.checkedAt,
        watcherHealthy: status.watcher.healthy,
        workers: { taskQueue: status.workers.taskQueue, healthy: status.workers.healthy, error: status.workers.error },
        folders: status.folders,
        running,
      };
    },

    bulkAction: async (_p: unknown, args: Args, c: GraphQLContext) => {
      const id = String(args.id ?? '');
      if (!UUID.test(id)) return null;
      const [live, record] = await Promise.all([bulkProgress(c.deps.temporal, id), getBulkAction(c.deps.sql, id)]);
      if (live) return bulkView(live);
      if (!record) return null;
      return bulkView({ bulkId: id, action: record.action, status: record.status === 'running' ? 'running' : record.status, total: record.total, processed: record.processed, created: [], error: null });
    },

    reindexStatus: async (_p: unknown, _a: Args, c: GraphQLContext) => (c.deps.es ? reindexProgress(c.deps.temporal, c.deps.config.elasticsearch.alias) : null),
  },

  Course: {
    imports: async (p: { id: string }, _a: Args, c: GraphQLContext) =>
      (await importsOfCourse(c.deps.sql, Number(p.id))).map((r) => ({
        importId: r.id,
        fileName: r.file_name,
        source: r.source,
        status: r.status,
        createdAt: r.created_at,
        finishedAt: r.finished_at,
        action: r.action,
        rowNumber: r.row_number,
      })),
  },

  CourseImport: {
    import: (p: { importId: string }, _a: Args, c: GraphQLContext) => importRef(c, p.importId),
  },

  PreviewRow: {
    course: async (p: { importId: string; rowNumber: number }, _a: Args, c: GraphQLContext) => {
      const courseId = await courseOfRow(c.deps.sql, p.importId, p.rowNumber);
      const row = courseId === null ? null : await getCourse(c.deps.sql, courseId);
      return row ? courseView(row) : null;
    },
  },

  Import: {
    ...historyRowView,
    progress: async (p: ImportRef, _a: Args, c: GraphQLContext) => {
      const view = await statusViewOf(c, p.row.id);
      if (!view) throw gqlError('The import disappeared while it was read.', 'NOT_FOUND', { status: 404 });
      return progressOf(view);
    },
    previewRows: async (p: ImportRef, args: Args, c: GraphQLContext) => {
      const { page, perPage, offset } = checkedPage(Number(args.page), Number(args.perPage));
      const r = await previewRows(c.deps.sql, p.row.id, (args.action as PreviewAction | undefined) ?? undefined, offset, perPage);
      return {
        total: r.total,
        page,
        perPage,
        rows: r.rows.map((row) => ({ importId: p.row.id, rowNumber: row.row_number, action: row.action, title: row.title, changes: row.changes ?? [], errors: row.errors ?? [], warnings: row.warnings ?? [] })),
      };
    },
    rowErrors: async (p: ImportRef, args: Args, c: GraphQLContext) => {
      const { page, perPage, offset } = checkedPage(Number(args.page), Number(args.perPage));
      const r = await rowErrorsPage(c.deps.sql, p.row.id, offset, perPage);
      return { total: r.total, page, perPage, errors: r.rows };
    },
    timeline: async (p: ImportRef, _a: Args, c: GraphQLContext): Promise<Timeline> => {
      const imp = await importDetail(c.deps.sql, p.row.id);
      if (!imp) return { source: 'ledger', entries: [] };
      return importTimeline(c.deps.temporal, imp).catch((err: unknown): Timeline => {
        c.koa.state.log?.warn({ err, importId: imp.id }, 'timeline from Temporal unavailable; showing the ledger');
        return { source: 'ledger', entries: timelineFromLedger(imp) };
      });
    },
  },

  Mutation: {
    startImport: async (_p: unknown, args: { input: Args }, c: GraphQLContext) => {
      const input = args.input;
      const file = input.file instanceof UploadedFile ? input.file : null;
      try {
        requireAdmin(c);
        const url = typeof input.url === 'string' ? input.url.trim() : '';
        if (url.length > MAX_URL_LENGTH) throw gqlError(`url is limited to ${MAX_URL_LENGTH} characters.`, 'BAD_USER_INPUT', { argument: 'url' });
        if ((file ? 1 : 0) + (url ? 1 : 0) !== 1) throw gqlError('Give exactly one of file (a multipart upload) and url.', 'BAD_USER_INPUT', { argument: 'input' });
        const mappingProfile = typeof input.mappingProfile === 'string' ? input.mappingProfile.trim() : '';
        const profileProblem = mappingProfile ? profileNameProblem(mappingProfile) : null;
        if (profileProblem) throw gqlError(`mappingProfile: ${profileProblem}.`, 'BAD_USER_INPUT', { argument: 'mappingProfile' });
        const mode = (input.mode as ImportMode | undefined) ?? 'create_or_update';
        const dryRun = input.dryRun === true;
        const opts = { mode, dryRun, startedBy: c.user.email, source: c.koa.state.via === 'token' ? ('api' as const) : ('upload' as const), mappingProfile: mappingProfile || null };
        if (file) file.consumed = true; // from here the upload is startUploadImport's: it removes a refused file itself, or hands it to a workflow
        const started = await (file
          ? startUploadImport(clientDeps(c), { path: file.path, originalName: file.originalName }, opts)
          : // The other helper's downloader: outgoing-address policy, redirects, size and time limits (url-download.ts).
            startUrlImport(clientDeps(c), url, opts)
        ).catch((err: unknown) => {
          if (err instanceof UploadRefused) throw gqlError(err.message, 'BAD_USER_INPUT', { status: err.status });
          if (err instanceof UrlImportRefused) throw gqlError(err.message, 'BAD_USER_INPUT', { status: err.status, reason: err.code });
          if (err instanceof UnknownMappingProfileError) throw gqlError(err.message, 'BAD_USER_INPUT', { status: 422, argument: 'mappingProfile' });
          throw err;
        });
        if (started.started) {
          await auditFromCtx(c.koa, 'import.start', started.importId, { fileName: started.fileName, mode, dryRun, via: 'graphql', ...(url ? { url } : {}), ...(mappingProfile ? { mappingProfile } : {}) });
        }
        return { importId: started.importId, workflowId: started.workflowId, fileName: started.fileName, started: started.started, import: () => importRef(c, started.importId) };
      } finally {
        // A refused request keeps nothing: a file no import took is removed now.
        if (file && !file.consumed) await unlink(file.path).catch(() => {});
      }
    },
    confirmImport: (_p: unknown, args: Args, c: GraphQLContext) => importAction(c, args, 'confirm'),
    discardImport: (_p: unknown, args: Args, c: GraphQLContext) => importAction(c, args, 'discard'),
    cancelImport: (_p: unknown, args: Args, c: GraphQLContext) => importAction(c, args, 'cancel'),
    revertImport: (_p: unknown, args: Args, c: GraphQLContext) => importAction(c, args, 'revert'),

    bulkCourses: async (_p: unknown, args: Args, c: GraphQLContext) => {
      requireAdmin(c);
      const action = args.action as BulkAction;
      const rawIds = Array.isArray(args.ids) ? args.ids.map(String) : null;
      if ((rawIds ? 1 : 0) + (args.filter ? 1 : 0) !== 1) throw gqlError('Give exactly one of ids and filter.', 'BAD_USER_INPUT', { argument: 'ids' });
      if (rawIds && (rawIds.length === 0 || rawIds.length > 1000)) throw gqlError('ids: between 1 and 1000 course ids.', 'BAD_USER_INPUT', { argument: 'ids' });
      if (rawIds?.some((id) => !/^\d{1,15}$/.test(id))) throw gqlError('ids: course ids are whole numbers.', 'BAD_USER_INPUT', { argument: 'ids' });
      if (action === 'delete' && args.confirm !== true) throw gqlError('Deleting needs confirm: true.', 'BAD_USER_INPUT', { argument: 'confirm' });
      const selection: Selection = rawIds ? { ids: rawIds.map(Number) } : { filters: courseFilters(args.filter) };
      const started = await startBulk(c.deps.temporal, { config: c.deps.config, waitMs: 20_000 }, action, selection, c.user.email);
      await auditFromCtx(c.koa, `bulk.${action}`, 'ids' in selection ? `${selection.ids.length} selected courses` : 'every matching course', {
        bulkId: started.bulkId,
        via: 'graphql',
        ...('ids' in selection ? { ids: selection.ids.slice(0, 100) } : { filters: selection.filters }),
        total: started.finished?.total ?? null,
      });
      return bulkView(started.finished ?? { bulkId: started.bulkId, action, status: 'running', total: null, processed: 0, created: [], error: null });
    },

    reindex: async (_p: unknown, _a: Args, c: GraphQLContext) => {
      requireAdmin(c);
      if (!c.deps.es) throw gqlError('Elasticsearch is disabled by configuration (ELASTICSEARCH_ENABLED=false): there is nothing to reindex.', 'CONFLICT', { status: 409 });
      const started = await startReindex(c.deps.temporal, c.deps.config);
      if (started.started) await auditFromCtx(c.koa, 'search.reindex', c.deps.config.elasticsearch.alias, { reindexId: started.reindexId, workflowId: started.workflowId, via: 'graphql' });
      return started;
    },
  },

  Subscription: {
    importProgress: {
      subscribe: async (_p: unknown, args: Args, c: GraphQLContext) => {
        const id = importId(args.id);
        // Refused before the stream starts, so the client gets the error as the operation's result.
        if (!id || !(await importDetail(c.deps.sql, id))) throw gqlError('There is no such import.', 'NOT_FOUND', { status: 404 });
        return followImport(c, id);
      },
    },
  },
} satisfies Record<string, Record<string, Resolver | { subscribe: Resolver }>>;

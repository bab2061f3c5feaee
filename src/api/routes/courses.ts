// The course list (Elasticsearch, or PostgreSQL when it is disabled or unreachable), a course's page,
// autocomplete, bulk actions with their progress page, and exports.
import Router from '@koa/router';
import type { Context } from 'koa';
import type { ApiDeps } from '../deps';
import { allowViewerWrite, requireAdmin, requireUser } from '../middleware/auth';
import { formBody } from '../middleware/body';
import { fail, problem } from '../middleware/errors';
import { wantsJson } from '../middleware/negotiate';
import { auditFromCtx } from '../middleware/audit';
import { paginate } from '../render';
import { BULK_ACTIONS, type BulkAction, type BulkProgress } from '../../contract';
import {
  filtersOf,
  filtersToParams,
  parseCourseQuery,
  SORTS,
  type CourseFilters,
  type CourseQuery,
  type CourseSearchResult,
} from '../../courses/filters';
import { countMatching as countCourses, runCourseSearch, searchDepsOf, suggest, type SearchDeps } from '../../courses/search';
import { getCourse, importsOfCourse } from '../../db/course-queries';
import { courseEdits } from '../../db/course-edits';
import { bulkProgress, startBulk } from '../../temporal/start-bulk';
import { getBulkAction } from '../../db/bulk-actions';
import { CONTENT_TYPES, EXPORT_COLUMNS, EXPORT_FORMATS, exportColumnsOf, exportFileName, exportStream, type ExportColumn, type ExportFormat } from '../../courses/export';
import { selectedCourses, type Selection } from '../../courses/selection';
import { translator, type Translate } from '../../i18n/i18n';
import { labelCategoryFacet } from '../../courses/category-facet';
import { categoryOfCourse } from '../../db/categories';
import { z } from 'zod';
import { courseFilterQuerySchema, courseQueryOf, courseQuerySchema } from '../../courses/filters';
import { check, defineRoute, first, koaPath, responses, validate } from '../validate';

export const COURSES_PATH = '/admin-dashboard/courses/';
/** Ticked ids per request: a page of the list is at most 100; "every matching course" goes by filters. */
const MAX_IDS = 1000;

const ACTION_LABELS: Record<BulkAction, string> = { activate: 'Activate', deactivate: 'Deactivate', duplicate: 'Duplicate', delete: 'Delete', suggest_categories: 'Suggest categories' };

type Body = Record<string, unknown>;

const BULK_ACTION_IDS = z.enum(BULK_ACTIONS);
const courseIds = z
  .union([z.coerce.number().int().min(1), z.array(z.coerce.number().int().min(1)).max(MAX_IDS)])
  .optional()
  .meta({ override: { type: 'array', items: { type: 'integer', minimum: 1 }, maxItems: MAX_IDS } });
/** The list's filters as a JSON object (`filters`), or as top-level fields of the list's form (kept: `.loose()`). */
const filtersObject = z.record(z.string().max(40), z.unknown()).optional().meta({ description: 'the query parameters of GET /admin-dashboard/courses/ as an object' });
const formatField = (description?: string) =>
  first(z.string().trim().toLowerCase().pipe(z.enum(EXPORT_FORMATS, { error: `Choose a format: ${EXPORT_FORMATS.join(', ')}` }))).meta(description ? { description } : {});
const columnsField = z
  .union([z.string().max(2000), z.array(z.string().max(200)).max(50)])
  .optional()
  .meta({ description: 'the columns to export, repeated or comma-separated (unknown names are ignored; none: every column)' });

/** A bulk request: JSON {action, ids | filters, confirm}, or the list's form (ticked ids or scope=all with its filters). */
const bulkBody = z
  .object({
    action: first(z.string().trim().max(40)).optional().meta({ override: { enum: [...BULK_ACTIONS] } }),
    ids: courseIds,
    filters: filtersObject,
    scope: first(z.string().max(10)).optional(),
    confirm: first(z.union([z.boolean(), z.string().max(10)])).optional().meta({ override: { type: 'boolean' } }),
  })
  .loose();

const exportBody = z
  .object({
    format: formatField("imscc / imscc11 with exactly one id: that course's .imscc; otherwise a zip of cartridges"),
    ids: courseIds,
    filters: filtersObject,
    scope: first(z.string().max(10)).optional(),
    columns: columnsField,
  })
  .loose();

export const courseApi = {
  search: defineRoute({
    method: 'get',
    path: COURSES_PATH,
    input: { query: courseQuerySchema },
    doc: {
      summary: 'Search courses (Elasticsearch; PostgreSQL when it is disabled): hits, facet counts, highlights',
      tags: ['courses'],
      description: 'JSON with `Accept: application/json` or an API token. Every first-page search is recorded for the search analytics.',
      responses: {
        200: {
          description:
            "{query, total, backend, tookMs, hits[{id, title, …, highlight{field: [escaped HTML with <mark>]}}], facets{category, category_id (value: the category id, label: its name in the reader's language), difficulty, learning_mode, is_free, is_active: [{value, count, label?}]}, estimatedFacets[the facets whose counts are estimated from a random sample of the matches, when they are too many to count at every search; total stays exact]}",
        },
        401: responses.unauthorized,
      },
    },
  }),
  suggest: defineRoute({
    method: 'get',
    path: '/api/courses/suggest',
    input: { query: z.object({ q: first(z.string().trim().max(100)) }) },
    doc: {
      summary: 'Autocomplete: titles, instructors and tags starting with the typed text',
      tags: ['courses'],
      responses: { 200: { description: '{query, suggestions: [{text, courseId, title, url}]}' }, 400: responses.problem, 401: responses.unauthorized },
    },
  }),
  bulk: defineRoute({
    method: 'post',
    path: `${COURSES_PATH}bulk/`,
    input: { body: bulkBody },
    doc: {
      summary: 'A bulk action (activate, deactivate, duplicate, delete) on ticked ids or on every course matching filters',
      tags: ['courses'],
      description:
        'Runs as the bulkCourses workflow. Up to BULK_INLINE_MAX courses the answer waits for the result (200); above, it answers 202 and the progress is at progressUrl. Deleting needs `confirm: true`.',
      bodyTypes: ['application/json'],
      bodyRequired: true,
      responses: {
        200: { description: 'Finished: {bulkId, workflowId, progressUrl, action, status, total, processed, created[], error}' },
        202: { description: 'Running: {bulkId, workflowId, progressUrl, status}' },
        400: responses.problem,
        401: responses.unauthorized,
        403: responses.forbidden,
      },
    },
  }),
  bulkProgress: defineRoute({
    method: 'get',
    path: `${COURSES_PATH}bulk/{id}/`,
    input: { params: z.object({ id: z.guid() }) },
    notFound: { message: 'There is no such bulk action.' },
    doc: {
      summary: "A bulk action's progress",
      tags: ['courses'],
      responses: { 200: { description: '{bulkId, action, status, total, processed, done, message}' }, 401: responses.unauthorized, 404: responses.problem },
    },
  }),
  exportGet: defineRoute({
    method: 'get',
    path: `${COURSES_PATH}export/`,
    input: {
      query: courseFilterQuerySchema.extend({
        format: formatField(
          'imscc / imscc11: IMS Common Cartridge 1.3 / 1.1 (a zip of one .imscc per course); moodle: Moodle "Upload courses" CSV; canvas: Canvas SIS courses.csv',
        ),
        columns: columnsField,
      }),
    },
    doc: {
      summary: 'Export every course matching the filters (CSV, JSON or Excel, the import formats)',
      tags: ['courses'],
      responses: { 200: { description: 'The file (streamed), re-importable as it is' }, 400: responses.problem, 401: responses.unauthorized },
    },
  }),
  exportPost: defineRoute({
    method: 'post',
    path: `${COURSES_PATH}export/`,
    input: { body: exportBody },
    doc: {
      summary: 'Export ticked ids or every course matching filters',
      tags: ['courses'],
      bodyTypes: ['application/json'],
      bodyRequired: true,
      responses: { 200: { description: 'The file (streamed)' }, 400: responses.problem, 401: responses.unauthorized },
    },
  }),
  course: defineRoute({
    method: 'get',
    path: `${COURSES_PATH}{id}/`,
    input: { params: z.object({ id: z.string().regex(/^\d{1,15}$/).transform(Number).pipe(z.number().int().min(1).max(Number.MAX_SAFE_INTEGER)) }) },
    doc: {
      summary: 'A course with its lessons and the imports that touched it',
      tags: ['courses'],
      responses: { 200: { description: '{course, imports}' }, 401: responses.unauthorized, 404: responses.problem },
    },
  }),
};

function str(v: unknown): string {
  const first = Array.isArray(v) ? v[0] : v;
  return typeof first === 'string' ? first.trim() : typeof first === 'number' || typeof first === 'boolean' ? String(first) : '';
}

function idsOf(v: unknown): number[] {
  const list = Array.isArray(v) ? v : v === undefined || v === null || v === '' ? [] : [v];
  const ids = list.map((x) => Number(x)).filter((n) => Number.isSafeInteger(n) && n > 0);
  return [...new Set(ids)].slice(0, MAX_IDS);
}

/** The filters of a body: top-level fields (the list's hidden inputs) or a JSON `filters` object. */
function bodyFilters(body: Body): CourseFilters {
  const source = body.filters && typeof body.filters === 'object' && !Array.isArray(body.filters) ? (body.filters as Body) : body;
  const flat: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(source)) flat[k] = typeof v === 'number' || typeof v === 'boolean' ? String(v) : v;
  return filtersOf(parseCourseQuery(flat));
}

/** What a bulk request is about: ticked ids, or every course matching the filters (scope=all). */
function selectionOf(body: Body): Selection | null {
  if (str(body.scope) === 'all' || (body.filters && typeof body.filters === 'object')) return { filters: bodyFilters(body) };
  const ids = idsOf(body.ids);
  return ids.length ? { ids } : null;
}

function listUrl(f: CourseFilters): string {
  const p = filtersToParams(f).toString();
  return p ? `${COURSES_PATH}?${p}` : COURSES_PATH;
}

function bulkPath(id: string): string {
  return `${COURSES_PATH}bulk/${id}/`;
}

/** What a finished bulk action did, in the language of `t` (English for JSON answers). */
function summary(p: BulkProgress, t: Translate): string {
  const n = p.processed;
  if (p.status === 'failed') return t('courses.bulk.stopped', { count: n, n, action: t(`courses.action.${p.action}`), error: p.error ?? t('courses.bulk.unknownError') });
  return t(`courses.bulk.${p.action}`, { count: n, n });
}

/** Courses a confirmation page names at most (issue 11: the first 50, and the count). */
export const CONFIRM_LIST_MAX = 50;

/** The first `limit` courses of a selection, in the order an export reads them: id and title. */
async function firstSelected(deps: ApiDeps, selection: Selection, limit: number): Promise<{ id: number; title: string }[]> {
  const sdeps = searchDeps(deps);
  const narrowed: Selection = 'ids' in selection ? { ids: [...selection.ids].sort((a, b) => a - b).slice(0, limit) } : selection;
  for await (const page of selectedCourses(sdeps, narrowed, limit)) return page.slice(0, limit).map((c) => ({ id: Number(c.id), title: c.title }));
  return [];
}

function searchDeps(deps: ApiDeps, ctx?: Context): SearchDeps {
  return searchDepsOf(deps, ctx?.state.log ?? deps.logger);
}

/** How many courses match (for the delete confirmation), as the list counts them; not a logged search. */
function countMatching(deps: ApiDeps, f: CourseFilters): Promise<number> {
  return countCourses(searchDeps(deps), f);
}

async function search(deps: ApiDeps, ctx: Context, q: CourseQuery): Promise<{ result: CourseSearchResult; notice: string | null }> {
  // Elasticsearch disabled, failing or frozen: the list answers from PostgreSQL, and says so (src/courses/search.ts).
  const { notice, ...result } = await runCourseSearch(searchDeps(deps, ctx), q, ctx.state.user?.email ?? null);
  return { result, notice };
}

export function courseRoutes(deps: ApiDeps): Router {
  const router = new Router();
  // Exporting changes nothing: viewers may post a selection to download it.
  allowViewerWrite(/^\/admin-dashboard\/courses\/export\/?$/);

  router.get(koaPath(courseApi.search), requireUser, async (ctx) => {
    const q = courseQueryOf(validate(ctx, courseApi.search).query);
    const { result, notice } = await search(deps, ctx, q);
    // The category facet counts by taxonomy category: each bucket named in the reader's language (issue 14).
    await labelCategoryFacet(deps.sql, result, wantsJson(ctx) ? 'en' : ctx.state.language);
    const filters = filtersOf(q);
    if (wantsJson(ctx)) {
      ctx.body = { query: q, total: result.total, backend: result.backend, tookMs: result.tookMs, hits: result.hits, facets: result.facets, estimatedFacets: result.estimatedFacets };
      return;
    }
    const params = filtersToParams(filters);
    ctx.render('courses/index', {
      title: ctx.state.t('courses.title'),
      nav: 'courses',
      q,
      filters,
      result,
      notice,
      facetSampleSize: deps.config.elasticsearch.facetCounting.sampleSize,
      sorts: SORTS,
      hiddenFilters: [...params.entries()],
      sortUrl: (sort: string) => {
        const p = new URLSearchParams(params);
        p.set('sort', sort);
        return `${COURSES_PATH}?${p.toString()}`;
      },
      facetUrl: (name: string, value: string) => {
        const p = new URLSearchParams(params);
        const existing = p.getAll(name);
        p.delete(name);
        const next = existing.includes(value) ? existing.filter((v) => v !== value) : [...existing, value];
        for (const v of name === 'is_free' || name === 'is_active' ? next.slice(-1) : next) p.append(name, v);
        if (q.sort !== 'relevance') p.set('sort', q.sort);
        return `${COURSES_PATH}?${p.toString()}`;
      },
      pagination: paginate(ctx, Math.min(result.total, 10_000), q.page, q.perPage),
      isAdmin: ctx.state.user?.role === 'admin',
      actions: BULK_ACTIONS,
      actionLabels: ACTION_LABELS,
      exportColumns: EXPORT_COLUMNS,
    });
  });

  router.get(koaPath(courseApi.suggest), requireUser, async (ctx) => {
    const q = validate(ctx, courseApi.suggest).query.q;
    let suggestions: { text: string; courseId: number; title: string }[] = [];
    if (q.length >= 1) {
      suggestions = await suggest(searchDeps(deps, ctx), q, 8);
    }
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { query: q, suggestions: suggestions.map((s) => ({ ...s, url: `${COURSES_PATH}${s.courseId}/` })) };
  });

  router.post(koaPath(courseApi.bulk), requireAdmin, formBody(), async (ctx) => {
    const json = wantsJson(ctx) || ctx.is('json') === 'json';
    const checked = check(ctx, courseApi.bulk);
    const body: Body = checked.ok ? checked.value.body : {};
    const action = str(body.action) as BulkAction;
    const filters = bodyFilters(body);
    const back = listUrl(filters);
    // JSON clients read English; a person reads their language.
    const t = json ? translator('en') : ctx.state.t;
    const refuse = (status: number, message: string) => {
      if (json) return problem(ctx, status, message);
      ctx.flash('error', message);
      ctx.status = 303;
      ctx.redirect(back);
    };
    // Input over its bounds (too many ids, an overlong field): refused as the other mistakes of this form are.
    if (!checked.ok) {
      if (json) return problem(ctx, 400, checked.error.message, checked.error.problem);
      return refuse(400, checked.error.i18n ? t(checked.error.i18n.key, checked.error.i18n.params) : checked.error.message);
    }
    if (!BULK_ACTION_IDS.safeParse(action).success) return refuse(400, t('courses.bulk.chooseAction', { actions: BULK_ACTIONS.join(', ') }));
    const selection = selectionOf(body);
    if (!selection) return refuse(400, t('courses.bulk.tickSome'));

    const confirmed = str(body.confirm) === 'yes' || body.confirm === true;
    if (action === 'delete' && !confirmed) {
      if (json) return problem(ctx, 400, 'Deleting needs "confirm": true.');
      const total = 'ids' in selection ? selection.ids.length : await countMatching(deps, selection.filters);
      // The first courses it would delete, named, so the admin sees what "every matching course" means.
      const listed = await firstSelected(deps, selection, CONFIRM_LIST_MAX);
      ctx.render('courses/confirm-delete', {
        title: t('courses.confirmDelete.title'),
        nav: 'courses',
        count: total,
        listed,
        scope: 'ids' in selection ? 'ids' : 'all',
        ids: 'ids' in selection ? selection.ids : [],
        hiddenFilters: [...filtersToParams(filters).entries()],
        back,
      });
      return;
    }

    const started = await startBulk(deps.temporal, { config: deps.config, waitMs: 20_000 }, action, selection, ctx.state.user?.email ?? null);
    await auditFromCtx(ctx, `bulk.${action}`, 'ids' in selection ? `${selection.ids.length} selected courses` : 'every matching course', {
      bulkId: started.bulkId,
      ...('ids' in selection ? { ids: selection.ids.slice(0, 100) } : { filters: selection.filters }),
      total: started.finished?.total ?? null,
    });
    if (json) {
      ctx.status = started.finished ? 200 : 202;
      ctx.body = { ...(started.finished ?? { status: 'running' }), bulkId: started.bulkId, workflowId: started.workflowId, progressUrl: bulkPath(started.bulkId) };
      return;
    }
    if (started.finished) {
      ctx.flash(started.finished.status === 'succeeded' ? 'success' : 'error', summary(started.finished, t));
      ctx.status = 303;
      ctx.redirect(back);
      return;
    }
    ctx.flash('info', t('courses.bulk.background'));
    ctx.status = 303;
    ctx.redirect(bulkPath(started.bulkId));
  });

  router.get(koaPath(courseApi.bulkProgress), requireUser, async (ctx) => {
    const id = validate(ctx, courseApi.bulkProgress).params.id;
    const [live, record] = await Promise.all([bulkProgress(deps.temporal, id), getBulkAction(deps.sql, id)]);
    if (!live && !record) fail(404, 'There is no such bulk action.');
    const progress: BulkProgress = live ?? {
      bulkId: id,
      action: record!.action,
      status: record!.status === 'running' ? 'running' : record!.status,
      total: record!.total,
      processed: record!.processed,
      created: [],
      error: null,
    };
    const done = progress.status === 'succeeded' || progress.status === 'failed';
    if (wantsJson(ctx)) {
      ctx.set('Cache-Control', 'no-store');
      ctx.body = { ...progress, done, message: done ? summary(progress, translator('en')) : null };
      return;
    }
    const t = ctx.state.t;
    ctx.render('courses/bulk', { title: t('courses.bulk.progressTitle', { action: t(`courses.action.${progress.action}`) }), nav: 'courses', progress, done, message: done ? summary(progress, t) : null, startedBy: record?.started_by ?? null, createdAt: record?.created_at ?? null });
  });

  const exportHandler = async (ctx: Context, format: ExportFormat, selection: Selection, columns: ExportColumn[]) => {
    const sdeps = searchDeps(deps, ctx);
    await auditFromCtx(ctx, 'courses.export', 'ids' in selection ? `${selection.ids.length} selected courses` : 'every matching course', {
      format,
      ...('ids' in selection ? { ids: selection.ids.slice(0, 100) } : { filters: selection.filters }),
    });
    const log = ctx.state.log;
    // One selected course exported as a cartridge is that .imscc; more are a zip of cartridges (lms-export.ts).
    const exportOptions = { single: 'ids' in selection && selection.ids.length === 1, columns, language: ctx.state.language };
    ctx.set('Content-Disposition', `attachment; filename="${exportFileName(format, new Date(), { ...exportOptions, timeZone: deps.config.i18n.displayTimeZone })}"`);
    ctx.set('Cache-Control', 'no-store');
    ctx.type = CONTENT_TYPES[format];
    // Streamed a page at a time: the response starts before the last course is read.
    ctx.body = exportStream(format, selectedCourses(sdeps, selection), undefined, (err) => log.error({ err }, 'export failed mid-stream'), exportOptions);
  };

  // The admin's choice of columns (`columns`, repeated or comma-separated); unknown names are ignored, none is every column.
  const columnsOf = (v: unknown): ExportColumn[] => {
    const items = (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]).slice(0, 50);
    return exportColumnsOf(items.flatMap((x) => (typeof x === 'string' ? x.split(',') : [])).map((x) => x.trim()));
  };

  // GET: every course matching the filters of the query string (a link, or curl).
  router.get(koaPath(courseApi.exportGet), requireUser, async (ctx) => {
    const { query } = validate(ctx, courseApi.exportGet);
    await exportHandler(ctx, query.format, { filters: filtersOf(parseCourseQuery(ctx.query)) }, columnsOf(query.columns));
  });

  // POST: the list's form (ticked ids or scope=all with its filters), or JSON {format, ids | filters}.
  router.post(koaPath(courseApi.exportPost), requireUser, formBody(), async (ctx) => {
    const body = validate(ctx, courseApi.exportPost).body;
    // Nothing ticked: the export is of the list as filtered (issue 11: exporting the current filter needs no ticking).
    const selection = selectionOf(body) ?? { filters: bodyFilters(body) };
    await exportHandler(ctx, body.format, selection, columnsOf(body.columns));
  });
  // Registered last: import/, bulk/, export/ (and other routers' pages under courses/) answer first; a
  // non-numeric segment is passed on.
  router.get(koaPath(courseApi.course), requireUser, async (ctx, next) => {
    const checked = check(ctx, courseApi.course);
    if (!checked.ok) return next();
    const course = await getCourse(deps.sql, checked.value.params.id);
    if (!course) fail(404, 'There is no such course.');
    const [imports, edits, taxonomyCategory] = await Promise.all([importsOfCourse(deps.sql, course.id), courseEdits(deps.sql, course.id), categoryOfCourse(deps.sql, course.id)]);
    if (wantsJson(ctx)) {
      ctx.body = { course, taxonomyCategory, imports, edits };
      return;
    }
    ctx.render('courses/show', { title: course.title, nav: 'courses', course, taxonomyCategory, imports, edits, isAdmin: ctx.state.user?.role === 'admin' });
  });

  return router;
}

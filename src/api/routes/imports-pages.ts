// The imports history, an import's page (progress, preview, timeline, row errors, actions), the failed rows
// download, and GET /api/imports/:id.
import { deliveriesOfImport } from '../../db/notifications';
import { PassThrough } from 'node:stream';
import Router from '@koa/router';
import type { Context } from 'koa';
import type { ApiDeps } from '../deps';
import { requireAdmin, requireUser } from '../middleware/auth';
import { formBody } from '../middleware/body';
import { fail, problem } from '../middleware/errors';
import { wantsJson } from '../middleware/negotiate';
import { auditFromCtx } from '../middleware/audit';
import { paginate, type Pagination } from '../render';
import { IMPORT_SOURCES, IMPORT_STATUSES, type ImportSource, type ImportStatus } from '../../contract';
import { importDetail, listImports, PREVIEW_ACTIONS, previewRows, rowErrorsPage, type HistoryFilters, type PreviewAction } from '../../db/import-history';
import { laterImportsTouchingSameCourses } from '../../db/course-revisions';
import { importStatus } from '../../imports/status';
import { importListState, importPageState, withoutServerPaths } from '../../imports/page-state';
import { importTimeline, timelineFromLedger, type Timeline } from '../../imports/timeline';
import { writeFailedRowsCsv } from '../../imports/failed-rows';
import { problemText } from '../../i18n/row-messages';
import { ActionRefused, canRevert, cancelImport, decideDryRun, startRevert } from '../../imports/actions';
import { revertWorkflowId } from '../../workflows/revert-import';
import { revertAffectedCourses } from '../../db/revert-preview';
import { importPagePath, IMPORTS_PATH } from './imports-shared';
import { translator } from '../../i18n/i18n';
import { importSuggestions } from '../../db/categories';
import { z } from 'zod';
import { defineRoute, first, koaPath, positiveInt, problemResponse, responses, text, validate, type RouteDoc } from '../validate';

const PER_PAGE = 50;

/** An import's id in a path: a uuid; anything else names no import (404 before any query). */
const importId = z.object({ id: z.guid().transform((v) => v.toLowerCase()) });
const page = first(positiveInt(100_000)).default(1);

// A filter value the history does not know is ignored rather than refused (a hand-edited URL, an old bookmark):
// `.catch(undefined)`; the document still lists the values that filter.
const historyQuery = z.object({
  status: first(z.enum(IMPORT_STATUSES)).optional().catch(undefined),
  source: first(z.enum(IMPORT_SOURCES)).optional().catch(undefined),
  from: first(z.iso.date()).optional().catch(undefined).meta({ description: 'first day (UTC), inclusive' }),
  to: first(z.iso.date()).optional().catch(undefined).meta({ description: 'last day (UTC), inclusive' }),
  file: first(text(200)).optional().meta({ description: 'part of the file name' }),
  page,
});

function historyFilters(q: z.output<typeof historyQuery>): HistoryFilters {
  return {
    ...(q.status ? { status: q.status as ImportStatus } : {}),
    ...(q.source ? { source: q.source as ImportSource } : {}),
    ...(q.from ? { from: q.from } : {}),
    ...(q.to ? { to: q.to } : {}),
    ...(q.file ? { fileName: q.file } : {}),
  };
}

const NO_SUCH_IMPORT = 'There is no such import.';
const notFound = { message: NO_SUCH_IMPORT, key: 'errors.noSuchImport' };

/** The four actions on an import: path, summary, and the 202 answer. */
function actionRoute(name: 'confirm' | 'discard' | 'cancel' | 'revert', doc: Pick<RouteDoc, 'summary'> & { accepted: string; conflict?: string }) {
  return defineRoute({
    method: 'post',
    path: `${IMPORTS_PATH}{id}/${name}/`,
    input: {
      params: importId,
      body:
        name === 'revert'
          ? z.object({ force: first(z.union([z.boolean(), z.string().max(10)])).optional().meta({ description: 'revert even when later imports changed the same courses', override: { type: 'boolean' } }) })
          : z.object({}),
    },
    notFound,
    doc: {
      summary: doc.summary,
      tags: ['imports'],
      ...(name === 'revert' ? { bodyTypes: ['application/x-www-form-urlencoded'], bodyRequired: false } : { bodyTypes: [] }),
      responses: {
        202: { description: doc.accepted },
        401: responses.unauthorized,
        403: responses.forbidden,
        404: responses.problem,
        409: doc.conflict ? problemResponse(doc.conflict) : responses.problem,
      },
    },
  });
}

export const importPagesApi = {
  history: defineRoute({
    method: 'get',
    path: IMPORTS_PATH,
    input: { query: historyQuery },
    doc: {
      summary: 'The imports history, newest first (JSON with Accept: application/json or a token)',
      tags: ['imports'],
      responses: { 200: { description: '{ page, perPage, total, imports[] } (50 per page)' }, 401: responses.unauthorized },
    },
  }),
  status: defineRoute({
    method: 'get',
    path: '/api/imports/{id}',
    input: { params: importId },
    notFound,
    doc: {
      summary: 'An import: status, counts, progress, errors',
      tags: ['imports'],
      description:
        "While the import runs, `stepProgress` is the running step's progress: `{step: parse|normalize|upsert|index, done, total, percent, estimated}` (total null when unknown; the parse step's total is estimated from the file's lines), updated at least every second.",
      responses: { 200: { description: 'The import' }, 401: responses.unauthorized, 404: responses.problem },
    },
  }),
  page: defineRoute({
    method: 'get',
    path: `${IMPORTS_PATH}{id}/`,
    input: {
      params: importId,
      query: z.object({ action: first(z.enum(PREVIEW_ACTIONS)).optional().catch(undefined), page, epage: page }),
    },
  }),
  failedRows: defineRoute({
    method: 'get',
    path: `${IMPORTS_PATH}{id}/failed-rows.csv`,
    input: { params: importId },
    doc: {
      summary: 'The failed rows with their original columns and an error column, ready to fix and re-import',
      tags: ['imports'],
      responses: { 200: { description: 'text/csv' }, 401: responses.unauthorized, 404: responses.problem },
    },
  }),
  confirm: actionRoute('confirm', { summary: 'Apply a test-mode import exactly as previewed (no new upload)', accepted: 'Signalled' }),
  discard: actionRoute('discard', { summary: 'Drop a test-mode import: nothing is written', accepted: 'Signalled' }),
  cancel: actionRoute('cancel', { summary: 'Cancel a running import: the file goes to error/, anything written is undone', accepted: 'Cancel requested' }),
  revert: actionRoute('revert', {
    summary: 'Revert a finished import (workflow revert-<id>): created courses deleted, changed ones restored',
    accepted: 'Revert started',
    conflict: 'Not finished, already reverted, or later imports changed the same courses (listed)',
  }),
};

/** Whether a revert form or JSON body asks to force it (a checkbox sends "on"). */
function forced(v: boolean | string | undefined): boolean {
  return v === true || ['true', 'on', '1'].includes(String(v ?? '').trim());
}

/** Like paginate(), for a second table of the same page, paged by another query parameter. */
function paginateBy(ctx: Context, param: string, total: number, page: number, perPage: number): Pagination {
  const search = new URLSearchParams(ctx.querystring);
  const url = (n: number): string => {
    search.set(param, String(n));
    return `${ctx.path}?${search.toString()}#${param}`;
  };
  return { ...paginate(ctx, total, page, perPage), url };
}

async function revertState(deps: ApiDeps, id: string): Promise<string | null> {
  try {
    const d = await deps.temporal.workflow.getHandle(revertWorkflowId(id)).describe();
    return d.status.name;
  } catch {
    return null;
  }
}

export function importPageRoutes(deps: ApiDeps): Router {
  const router = new Router();
  const { sql } = deps;

  router.get(koaPath(importPagesApi.history), requireUser, async (ctx) => {
    const { query } = validate(ctx, importPagesApi.history);
    const filters = historyFilters(query);
    const { page, limit, offset } = { page: query.page, limit: PER_PAGE, offset: (query.page - 1) * PER_PAGE };
    const result = await listImports(sql, filters, offset, limit);
    if (wantsJson(ctx)) {
      ctx.body = { page, perPage: limit, total: result.total, imports: result.rows };
      return;
    }
    ctx.render('imports/history', {
      title: ctx.state.t('imports.history.title'),
      nav: 'imports',
      imports: result.rows,
      // A confirmed test run loses its badge, a discarded preview shows no "Created N" (as on the import's page).
      listState: importListState,
      // A failed import's reason without absolute server paths, as its own page shows it.
      cleanMessage: (m: string) => withoutServerPaths(m, deps.config.ingestDir),
      filters,
      file: query.file ?? '',
      statuses: IMPORT_STATUSES,
      sources: IMPORT_SOURCES,
      pagination: paginate(ctx, result.total, page, limit),
    });
  });

  router.get(koaPath(importPagesApi.status), requireUser, async (ctx) => {
    const { params } = validate(ctx, importPagesApi.status);
    const view = await importStatus({ sql, temporal: deps.temporal, config: deps.config }, params.id);
    if (!view) return problem(ctx, 404, NO_SUCH_IMPORT);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = view;
  });

  router.get(koaPath(importPagesApi.page), requireUser, async (ctx) => {
    const { params, query } = validate(ctx, importPagesApi.page);
    const id = params.id;
    const view = await importStatus({ sql, temporal: deps.temporal, config: deps.config }, id);
    const imp = await importDetail(sql, id);
    if (!view || !imp) fail(404, 'There is no such import.', { key: 'errors.noSuchImport' });
    const action: PreviewAction | undefined = query.action;
    const rowsPage = query.page;
    const errorsPage = query.epage;
    const [rows, errors, timeline, later, revert, deliveries, revertAffected, categorySuggestions] = await Promise.all([
      previewRows(sql, id, action, (rowsPage - 1) * PER_PAGE, PER_PAGE),
      rowErrorsPage(sql, id, (errorsPage - 1) * PER_PAGE, PER_PAGE),
      importTimeline(deps.temporal, imp).catch((err: unknown): Timeline => {
        ctx.state.log.warn({ err, importId: id }, 'timeline from Temporal unavailable; showing the ledger');
        return { source: 'ledger', entries: timelineFromLedger(imp) };
      }),
      canRevert(imp) ? laterImportsTouchingSameCourses(sql, id) : Promise.resolve([]),
      revertState(deps, id),
      deliveriesOfImport(sql, id),
      // The courses a revert would delete or restore, named on its confirmation (first 50 and the count).
      canRevert(imp) ? revertAffectedCourses(sql, id, 50) : Promise.resolve({ total: 0, courses: [] }),
      // The auto-categoriser's suggestions for this import's rows (issue 14): the first 50 and the counts.
      importSuggestions(sql, id, 50),
    ]);
    ctx.render('imports/show', {
      title: ctx.state.t('imports.show.title', { file: imp.file_name }),
      nav: 'imports',
      imp,
      view,
      rows: rows.rows,
      action,
      actions: PREVIEW_ACTIONS,
      rowsPagination: paginate(ctx, rows.total, rowsPage, PER_PAGE),
      errors: errors.rows,
      errorsPagination: paginateBy(ctx, 'epage', errors.total, errorsPage, PER_PAGE),
      timeline,
      later,
      revert,
      revertAffected,
      deliveries,
      categorySuggestions,
      categoryThreshold: deps.config.categories.autoThreshold,
      canRevert: canRevert(imp) && revert !== 'RUNNING',
      isAdmin: ctx.state.user?.role === 'admin',
      // One reading of the import for every part of the page (counts, badges, rows, buttons): src/imports/page-state.ts.
      state: importPageState(view, imp, deps.config.ingestDir),
    });
  });

  router.get(koaPath(importPagesApi.failedRows), requireUser, async (ctx) => {
    const id = validate(ctx, importPagesApi.failedRows).params.id;
    const imp = await importDetail(sql, id);
    if (!imp) fail(404, 'There is no such import.', { key: 'errors.noSuchImport' });
    const out = new PassThrough();
    const stem = imp.file_name.replace(/\.[^.]*$/, '').replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80) || 'import';
    ctx.set('Content-Disposition', `attachment; filename="${stem}-failed-rows.csv"`);
    ctx.set('Cache-Control', 'no-store');
    ctx.type = 'text/csv; charset=utf-8';
    ctx.body = out;
    // The error column in the downloader's language (issue 11): problems with a code are rendered, older ones kept.
    const t = ctx.state.t;
    writeFailedRowsCsv(sql, id, out, 1000, (e) => (e.code ? problemText(t, e) : `${e.field}: ${e.message}`)).catch((err: unknown) => {
      ctx.state.log.error({ err, importId: id }, 'failed rows export broke off');
      out.destroy(err instanceof Error ? err : new Error(String(err)));
    });
  });

  /**
   * Runs an action, answers JSON or flash + redirect back to the import's page; refusals are 404/409.
   * `run` resolves to the catalogue key of its outcome (imports.flash.*).
   */
  const act = (name: 'confirm' | 'discard' | 'cancel' | 'revert', run: (ctx: Context, id: string) => Promise<string>) =>
    async (ctx: Context) => {
      const { params, body } = validate(ctx, importPagesApi[name]);
      const id = params.id;
      try {
        // run() answers a catalogue key: JSON clients get the English message, people their language.
        const key = await run(ctx, id);
        const message = translator('en')(key);
        await auditFromCtx(ctx, `import.${name}`, id, name === 'revert' ? { force: forced('force' in body ? body.force : undefined) } : null);
        if (wantsJson(ctx)) {
          ctx.status = 202;
          ctx.body = { importId: id, action: name, message, statusUrl: `/api/imports/${id}` };
          return;
        }
        ctx.flash('success', ctx.state.t(key));
      } catch (err) {
        if (!(err instanceof ActionRefused)) throw err;
        if (wantsJson(ctx)) return problem(ctx, err.status, err.message);
        if (err.status === 404) fail(404, err.message, err.i18n);
        // A status code among the values is shown as its label ("En attente de confirmation").
        const params = Object.fromEntries(Object.entries(err.i18n?.params ?? {}).map(([k, v]) => [k, k === 'status' ? ctx.state.t(`status.${v}`) : v]));
        ctx.flash('error', err.i18n ? ctx.state.t(err.i18n.key, params) : err.message);
      }
      ctx.status = 303;
      ctx.redirect(importPagePath(id));
    };

  const clientDeps = { sql, temporal: deps.temporal, config: deps.config };
  router.post(koaPath(importPagesApi.confirm), requireAdmin, formBody(), act('confirm', async (_ctx, id) => {
    await decideDryRun(clientDeps, id, 'confirm');
    return 'imports.flash.confirmed';
  }));
  router.post(koaPath(importPagesApi.discard), requireAdmin, formBody(), act('discard', async (_ctx, id) => {
    await decideDryRun(clientDeps, id, 'discard');
    return 'imports.flash.discarded';
  }));
  router.post(koaPath(importPagesApi.cancel), requireAdmin, formBody(), act('cancel', async (_ctx, id) => {
    await cancelImport(clientDeps, id);
    return 'imports.flash.cancelRequested';
  }));
  router.post(koaPath(importPagesApi.revert), requireAdmin, formBody(), act('revert', async (ctx, id) => {
    const force = forced(validate(ctx, importPagesApi.revert).body.force);
    const r = await startRevert(clientDeps, id, { requestedBy: ctx.state.user!.email, force });
    return r.started ? 'imports.flash.revertStarted' : 'imports.flash.revertRunning';
  }));

  return router;
}

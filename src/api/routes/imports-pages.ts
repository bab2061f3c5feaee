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
import { pageParams, paginate, type Pagination } from '../render';
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
import { bodyField, importIdParam, importPagePath, IMPORTS_PATH, queryField } from './imports-shared';
import { translator } from '../../i18n/i18n';
import { importSuggestions } from '../../db/categories';

const PER_PAGE = 50;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

function historyFilters(ctx: Context): HistoryFilters {
  const status = queryField(ctx, 'status');
  const source = queryField(ctx, 'source');
  const from = queryField(ctx, 'from');
  const to = queryField(ctx, 'to');
  const fileName = queryField(ctx, 'file').slice(0, 200);
  return {
    ...((IMPORT_STATUSES as readonly string[]).includes(status) ? { status: status as ImportStatus } : {}),
    ...((IMPORT_SOURCES as readonly string[]).includes(source) ? { source: source as ImportSource } : {}),
    ...(DAY.test(from) && !Number.isNaN(Date.parse(from)) ? { from } : {}),
    ...(DAY.test(to) && !Number.isNaN(Date.parse(to)) ? { to } : {}),
    ...(fileName ? { fileName } : {}),
  };
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

function pageNumber(ctx: Context, param: string): number {
  const n = Number.parseInt(queryField(ctx, param) || '1', 10);
  return Number.isFinite(n) && n > 0 ? Math.min(n, 100_000) : 1;
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

  router.get(IMPORTS_PATH, requireUser, async (ctx) => {
    const filters = historyFilters(ctx);
    const { page, limit, offset } = pageParams(ctx, PER_PAGE);
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
      file: queryField(ctx, 'file'),
      statuses: IMPORT_STATUSES,
      sources: IMPORT_SOURCES,
      pagination: paginate(ctx, result.total, page, limit),
    });
  });

  router.get('/api/imports/:id', requireUser, async (ctx) => {
    const view = await importStatus({ sql, temporal: deps.temporal, config: deps.config }, importIdParam(ctx));
    if (!view) return problem(ctx, 404, 'There is no such import.');
    ctx.set('Cache-Control', 'no-store');
    ctx.body = view;
  });

  router.get(`${IMPORTS_PATH}:id/`, requireUser, async (ctx) => {
    const id = importIdParam(ctx);
    const view = await importStatus({ sql, temporal: deps.temporal, config: deps.config }, id);
    const imp = await importDetail(sql, id);
    if (!view || !imp) fail(404, 'There is no such import.', { key: 'errors.noSuchImport' });
    const actionParam = queryField(ctx, 'action');
    const action = (PREVIEW_ACTIONS as readonly string[]).includes(actionParam) ? (actionParam as PreviewAction) : undefined;
    const rowsPage = pageNumber(ctx, 'page');
    const errorsPage = pageNumber(ctx, 'epage');
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

  router.get(`${IMPORTS_PATH}:id/failed-rows.csv`, requireUser, async (ctx) => {
    const id = importIdParam(ctx);
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
      const id = importIdParam(ctx);
      try {
        // run() answers a catalogue key: JSON clients get the English message, people their language.
        const key = await run(ctx, id);
        const message = translator('en')(key);
        await auditFromCtx(ctx, `import.${name}`, id, name === 'revert' ? { force: ['true', 'on', '1'].includes(bodyField(ctx, 'force')) } : null);
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
  router.post(`${IMPORTS_PATH}:id/confirm/`, requireAdmin, formBody(), act('confirm', async (_ctx, id) => {
    await decideDryRun(clientDeps, id, 'confirm');
    return 'imports.flash.confirmed';
  }));
  router.post(`${IMPORTS_PATH}:id/discard/`, requireAdmin, formBody(), act('discard', async (_ctx, id) => {
    await decideDryRun(clientDeps, id, 'discard');
    return 'imports.flash.discarded';
  }));
  router.post(`${IMPORTS_PATH}:id/cancel/`, requireAdmin, formBody(), act('cancel', async (_ctx, id) => {
    await cancelImport(clientDeps, id);
    return 'imports.flash.cancelRequested';
  }));
  router.post(`${IMPORTS_PATH}:id/revert/`, requireAdmin, formBody(), act('revert', async (ctx, id) => {
    const force = ['true', 'on', '1'].includes(bodyField(ctx, 'force'));
    const r = await startRevert(clientDeps, id, { requestedBy: ctx.state.user!.email, force });
    return r.started ? 'imports.flash.revertStarted' : 'imports.flash.revertRunning';
  }));

  return router;
}

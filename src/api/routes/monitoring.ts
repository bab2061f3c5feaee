// Operations: the monitoring page and its JSON (polled by public/monitoring.js), the consumer status for
// scripts (the seed's curl example), Elasticsearch's status, and starting a full reindex.
import Router from '@koa/router';
import type { ApiDeps } from '../deps';
import { requireAdmin, requireUser } from '../middleware/auth';
import { formBody } from '../middleware/body';
import { problem } from '../middleware/errors';
import { wantsJson } from '../middleware/negotiate';
import { auditFromCtx } from '../middleware/audit';
import { consumerStatus, monitoringSnapshot } from '../../monitoring/status';
import { searchStatus } from '../../search/status';
import { reindexProgress, startReindex } from '../../temporal/start-reindex';
import { defineRoute, koaPath, responses, validate } from '../validate';

export const MONITORING_PATH = '/admin-dashboard/pipeline/monitoring/';

export const monitoringApi = {
  snapshot: defineRoute({
    method: 'get',
    path: MONITORING_PATH,
    input: {},
    doc: {
      summary: 'Ingest folders, running imports with progress, workers, watcher, Elasticsearch, recent errors',
      tags: ['monitoring'],
      description: 'JSON with `Accept: application/json` or an API token (also at /api/monitoring).',
      responses: { 200: { description: 'A monitoring snapshot' }, 401: responses.unauthorized },
    },
  }),
  snapshotJson: defineRoute({
    method: 'get',
    path: '/api/monitoring',
    input: {},
    doc: { summary: "The monitoring snapshot as JSON whatever the Accept header (the monitoring page's polling)", tags: ['monitoring'], responses: { 200: { description: 'A monitoring snapshot' }, 401: responses.unauthorized } },
  }),
  consumer: defineRoute({
    method: 'get',
    path: '/admin-dashboard/pipeline/consumer/status/',
    input: {},
    doc: { summary: 'Health of the watcher ("consumer") and the workers', tags: ['monitoring'], responses: { 200: { description: 'Status' }, 401: responses.unauthorized } },
  }),
  elasticsearch: defineRoute({
    method: 'get',
    path: '/admin-dashboard/elasticsearch/status/',
    input: {},
    doc: { summary: 'Elasticsearch cluster health, document count, index size', tags: ['monitoring'], responses: { 200: { description: 'Status' }, 401: responses.unauthorized } },
  }),
  reindex: defineRoute({
    method: 'post',
    path: '/admin-dashboard/elasticsearch/reindex/',
    input: {},
    doc: {
      summary: 'Rebuild the index from PostgreSQL and switch the alias atomically',
      tags: ['courses'],
      responses: { 202: { description: 'The reindex workflow was started' }, 401: responses.unauthorized, 403: responses.forbidden },
    },
  }),
};

export function monitoringRoutes(deps: ApiDeps): Router {
  const router = new Router();
  const mdeps = { config: deps.config, sql: deps.sql, es: deps.es, temporal: deps.temporal };

  router.get(koaPath(monitoringApi.snapshot), requireUser, async (ctx) => {
    validate(ctx, monitoringApi.snapshot);
    const snapshot = await monitoringSnapshot(mdeps);
    if (wantsJson(ctx)) {
      ctx.set('Cache-Control', 'no-store');
      ctx.body = snapshot;
      return;
    }
    ctx.render('monitoring/index', {
      title: ctx.state.t('monitoring.navTitle'),
      nav: 'monitoring',
      s: snapshot,
      isAdmin: ctx.state.user?.role === 'admin',
    });
  });

  // The same snapshot for the page's polling script (JSON whatever the Accept header says).
  router.get(koaPath(monitoringApi.snapshotJson), requireUser, async (ctx) => {
    validate(ctx, monitoringApi.snapshotJson);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = await monitoringSnapshot(mdeps);
  });

  router.get(koaPath(monitoringApi.consumer), requireUser, async (ctx) => {
    validate(ctx, monitoringApi.consumer);
    const status = await consumerStatus(mdeps);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = status;
  });

  router.get(koaPath(monitoringApi.elasticsearch), requireUser, async (ctx) => {
    validate(ctx, monitoringApi.elasticsearch);
    const [status, workflow] = await Promise.all([
      searchStatus(deps.es, deps.sql, deps.config.elasticsearch.alias),
      reindexProgress(deps.temporal, deps.config.elasticsearch.alias),
    ]);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { ...status, reindexWorkflow: workflow };
  });

  router.post(koaPath(monitoringApi.reindex), requireAdmin, formBody(), async (ctx) => {
    validate(ctx, monitoringApi.reindex);
    const json = wantsJson(ctx) || ctx.is('json') === 'json';
    if (!deps.es) {
      if (json) return problem(ctx, 409, 'Elasticsearch is disabled by configuration (ELASTICSEARCH_ENABLED=false): there is nothing to reindex.');
      ctx.flash('error', ctx.state.t('monitoring.esOff'));
      ctx.status = 303;
      ctx.redirect(MONITORING_PATH);
      return;
    }
    const started = await startReindex(deps.temporal, deps.config);
    if (started.started) await auditFromCtx(ctx, 'search.reindex', deps.config.elasticsearch.alias, { reindexId: started.reindexId, workflowId: started.workflowId });
    if (json) {
      ctx.status = started.started ? 202 : 409;
      ctx.body = { ...started, statusUrl: '/admin-dashboard/elasticsearch/status/', message: started.started ? 'Reindex started.' : 'A reindex is already running.' };
      return;
    }
    ctx.flash(started.started ? 'success' : 'info', ctx.state.t(started.started ? 'monitoring.reindexStarted' : 'monitoring.reindexRunning'));
    ctx.status = 303;
    ctx.redirect(MONITORING_PATH);
  });

  return router;
}

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

export const MONITORING_PATH = '/admin-dashboard/pipeline/monitoring/';

export function monitoringRoutes(deps: ApiDeps): Router {
  const router = new Router();
  const mdeps = { config: deps.config, sql: deps.sql, es: deps.es, temporal: deps.temporal };

  router.get(MONITORING_PATH, requireUser, async (ctx) => {
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
  router.get('/api/monitoring', requireUser, async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = await monitoringSnapshot(mdeps);
  });

  router.get('/admin-dashboard/pipeline/consumer/status/', requireUser, async (ctx) => {
    const status = await consumerStatus(mdeps);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = status;
  });

  router.get('/admin-dashboard/elasticsearch/status/', requireUser, async (ctx) => {
    const [status, workflow] = await Promise.all([
      searchStatus(deps.es, deps.sql, deps.config.elasticsearch.alias),
      reindexProgress(deps.temporal, deps.config.elasticsearch.alias),
    ]);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { ...status, reindexWorkflow: workflow };
  });

  router.post('/admin-dashboard/elasticsearch/reindex/', requireAdmin, formBody(), async (ctx) => {
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

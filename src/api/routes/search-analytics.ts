// Search analytics: what admins look for, what finds nothing, and how much they search (14 days).
import Router from '@koa/router';
import type { ApiDeps } from '../deps';
import { requireUser } from '../middleware/auth';
import { wantsJson } from '../middleware/negotiate';
import { searchesPerDay, topQueries, zeroResultQueries } from '../../db/search-log';
import { stackedBars } from '../../monitoring/charts';

const DAYS = 14;

export function searchAnalyticsRoutes(deps: ApiDeps): Router {
  const router = new Router();

  router.get('/admin-dashboard/search-analytics/', requireUser, async (ctx) => {
    const [top, zero, perDay] = await Promise.all([topQueries(deps.sql, DAYS, 20), zeroResultQueries(deps.sql, DAYS, 20), searchesPerDay(deps.sql, DAYS)]);
    if (wantsJson(ctx)) {
      ctx.body = { days: DAYS, topQueries: top, zeroResultQueries: zero, perDay };
      return;
    }
    const days = perDay.map((d) => d.day);
    const series = [
      { key: 'found', label: ctx.state.t('searchAnalytics.withResults'), tone: 'info', values: perDay.map((d) => d.searches - d.zero) },
      { key: 'zero', label: ctx.state.t('searchAnalytics.noResult'), tone: 'warning', values: perDay.map((d) => d.zero) },
    ];
    ctx.render('search-analytics/index', {
      title: ctx.state.t('searchAnalytics.title'),
      windowDays: DAYS,
      nav: 'search-analytics',
      top,
      zero,
      perDay,
      series,
      total: perDay.reduce((a, d) => a + d.searches, 0),
      chart: stackedBars(days, series, { label: ctx.state.t('searchAnalytics.chartLabel', { count: DAYS }) }),
    });
  });

  return router;
}

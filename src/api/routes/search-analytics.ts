// Search analytics: what admins look for, what finds nothing, and how much they search (14 days).
import Router from '@koa/router';
import type { ApiDeps } from '../deps';
import { requireUser } from '../middleware/auth';
import { wantsJson } from '../middleware/negotiate';
import { searchesPerDay, topQueries, zeroResultQueries } from '../../db/search-log';
import { stackedBars } from '../../monitoring/charts';
import { defineRoute, koaPath, responses, validate } from '../validate';

export const searchAnalyticsApi = {
  page: defineRoute({ method: 'get', path: '/admin-dashboard/search-analytics/', input: {}, doc: { summary: 'Top queries, queries without result, searches per day (14 days)', tags: ['courses'], responses: { 200: { description: '{days, topQueries, zeroResultQueries, perDay}' }, 401: responses.unauthorized } } }),
};

const DAYS = 14;

export function searchAnalyticsRoutes(deps: ApiDeps): Router {
  const router = new Router();

  router.get(koaPath(searchAnalyticsApi.page), requireUser, async (ctx) => {
    validate(ctx, searchAnalyticsApi.page);
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

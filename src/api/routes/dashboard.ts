// /admin-dashboard/: figures at a glance, imports per day and status (14 days), the latest imports.
import Router from '@koa/router';
import type { ApiDeps } from '../deps';
import { requireUser } from '../middleware/auth';
import { wantsJson } from '../middleware/negotiate';
import { importFigures, importsPerDay, latestImports } from '../../db/dashboard-queries';
import { courseTotals } from '../../db/course-queries';
import { folderStatus } from '../../monitoring/status';
import { searchStatus } from '../../search/status';
import { stackedBars, type ChartSeries } from '../../monitoring/charts';
import { importListState } from '../../imports/page-state';
import { defineRoute, koaPath, responses, validate } from '../validate';

export const dashboardApi = {
  page: defineRoute({ method: 'get', path: '/admin-dashboard/', input: {}, doc: { summary: 'Dashboard figures, imports per day and status (14 days), latest imports', tags: ['monitoring'], responses: { 200: { description: '{figures, perDay, latest}' }, 401: responses.unauthorized } } }),
};

const DAYS = 14;
/** The chart's series; `label` is a catalogue key (locales/<language>.json). */
const CHART_STATUSES: { status: string; label: string; tone: string }[] = [
  { status: 'succeeded', label: 'dashboard.series.succeeded', tone: 'success' },
  { status: 'succeeded_with_errors', label: 'dashboard.series.withErrors', tone: 'warning' },
  { status: 'failed', label: 'dashboard.series.failed', tone: 'danger' },
  { status: 'running', label: 'dashboard.series.running', tone: 'info' },
  { status: 'other', label: 'dashboard.series.other', tone: 'neutral' },
];

function bucketOf(status: string): string {
  if (status === 'succeeded' || status === 'succeeded_with_errors' || status === 'failed') return status;
  if (status === 'queued' || status === 'processing' || status === 'awaiting_confirmation') return 'running';
  return 'other';
}

export function dashboardRoutes(deps: ApiDeps): Router {
  const router = new Router();

  router.get(koaPath(dashboardApi.page), requireUser, async (ctx) => {
    validate(ctx, dashboardApi.page);
    const [figures, perDay, latest, courses, drop, search] = await Promise.all([
      importFigures(deps.sql),
      importsPerDay(deps.sql, DAYS),
      latestImports(deps.sql, 10),
      courseTotals(deps.sql),
      folderStatus(deps.config.ingestDir, 'drop', 0),
      searchStatus(deps.es, deps.sql, deps.config.elasticsearch.alias),
    ]);
    const days = [...new Set(perDay.map((r) => r.day))];
    const series: ChartSeries[] = CHART_STATUSES.map((s) => ({
      key: s.status,
      label: ctx.state.t(s.label),
      tone: s.tone,
      values: days.map((d) => perDay.filter((r) => r.day === d && r.status !== '' && bucketOf(r.status) === s.status).reduce((a, r) => a + r.n, 0)),
    }));
    const successRate = figures.finished_week > 0 ? Math.round((figures.succeeded_week / figures.finished_week) * 100) : null;
    const data = {
      figures: {
        importsToday: figures.today,
        importsWeek: figures.week,
        successRateWeek: successRate,
        avgDurationSecondsWeek: figures.avg_seconds_week === null ? null : Math.round(figures.avg_seconds_week * 10) / 10,
        coursesTotal: courses.total,
        coursesActive: courses.active,
        documentsInSearch: search.documents,
        filesWaiting: drop.count,
      },
      perDay: days.map((d, i) => ({ day: d, ...Object.fromEntries(series.map((s) => [s.key, s.values[i] ?? 0])) })),
    };
    if (wantsJson(ctx)) {
      ctx.body = { ...data, latest };
      return;
    }
    ctx.render('dashboard/index', {
      title: ctx.state.t('dashboard.title'),
      nav: 'dashboard',
      ...data,
      search,
      latest,
      // A confirmed test run loses its badge, a discarded preview shows no "Created N" (as on the import's page).
      listState: importListState,
      series,
      days,
      chart: stackedBars(days, series, { label: ctx.state.t('dashboard.chartLabel', { count: DAYS }) }),
    });
  });

  return router;
}

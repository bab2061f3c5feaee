// The Temporal Schedules of the pipeline (daily summary, health check): next and last runs, pause / resume,
// and "run now". Pausing is an operator's decision that survives worker restarts (ensureSchedules keeps it).
import Router from '@koa/router';
import type { Context } from 'koa';
import type { ApiDeps } from '../deps';
import { requireAdmin, requireUser } from '../middleware/auth';
import { formBody } from '../middleware/body';
import { auditFromCtx } from '../middleware/audit';
import { scheduleIds } from '../../temporal/schedules';
import { z } from 'zod';
import { defineRoute, koaPath, responses, validate } from '../validate';

export const scheduleApi = {
  page: defineRoute({ method: 'get', path: '/admin-dashboard/schedules/', input: {} }),
  list: defineRoute({
    method: 'get',
    path: '/api/schedules',
    input: {},
    doc: {
      summary: 'The Temporal Schedules of the pipeline (daily summary, health check): next and last runs, paused or not',
      tags: ['monitoring'],
      responses: { 200: { description: '{ schedules: [{id, purpose, paused, note, nextRuns, lastRuns[{at, workflowId}], spec}] }' }, 401: responses.unauthorized },
    },
  }),
  act: defineRoute({
    method: 'post',
    path: '/admin-dashboard/schedules/{id}/{action}',
    input: { params: z.object({ id: z.string().max(200), action: z.enum(['pause', 'unpause', 'trigger']) }) },
    notFound: { message: 'no such action' },
  }),
};

export interface ScheduleView {
  id: string;
  purpose: string;
  paused: boolean;
  note: string | null;
  nextRuns: Date[];
  lastRuns: { at: Date; workflowId: string }[];
  spec: string;
}

async function describeSchedules(deps: ApiDeps): Promise<ScheduleView[]> {
  const ids = scheduleIds(deps.config);
  const views: ScheduleView[] = [];
  for (const [kind, id] of Object.entries(ids)) {
    const d = await deps.temporal.schedule.getHandle(id).describe().catch(() => null);
    if (!d) continue;
    const cal = d.spec.calendars?.[0];
    const spec =
      kind === 'digest' && cal
        ? `every day at ${String(cal.hour?.[0]?.start ?? 0).padStart(2, '0')}:${String(cal.minute?.[0]?.start ?? 0).padStart(2, '0')} (${d.spec.timezone ?? 'UTC'})`
        : `every ${Math.round(Number(d.spec.intervals?.[0]?.every ?? 60_000) / 1000)} s`;
    views.push({
      id,
      purpose: String(d.memo?.purpose ?? kind),
      paused: d.state.paused,
      note: d.state.note ?? null,
      nextRuns: d.info.nextActionTimes.slice(0, 3),
      lastRuns: d.info.recentActions.slice(-5).reverse().map((a) => ({ at: a.takenAt, workflowId: a.action.workflow.workflowId })),
      spec,
    });
  }
  return views;
}

/** `id` when it names one of this deployment's Schedules; a 404 otherwise (ids of other deployments included). */
function ownSchedule(deps: ApiDeps, ctx: Context, id: string): string {
  if (!Object.values(scheduleIds(deps.config)).includes(id)) ctx.throw(404, 'no such schedule');
  return id;
}

export function scheduleRoutes(deps: ApiDeps): Router {
  const router = new Router();

  router.get(koaPath(scheduleApi.page), requireUser, async (ctx) => {
    // Schedule id -> the catalogue key of its purpose (schedules.purpose.<key>): the memo's purpose is English.
    const purposeKeys = Object.fromEntries(Object.entries(scheduleIds(deps.config)).map(([key, id]) => [id, key]));
    ctx.render('schedules/index', { title: ctx.state.t('schedules.title'), nav: 'monitoring', schedules: await describeSchedules(deps), purposeKeys });
  });

  router.get(koaPath(scheduleApi.list), requireUser, async (ctx) => {
    ctx.body = { schedules: await describeSchedules(deps) };
  });

  router.post(koaPath(scheduleApi.act), requireAdmin, formBody(), async (ctx) => {
    const { params } = validate(ctx, scheduleApi.act);
    const id = ownSchedule(deps, ctx, params.id);
    const handle = deps.temporal.schedule.getHandle(id);
    const who = ctx.state.user?.email ?? 'unknown';
    switch (params.action) {
      case 'pause':
        await handle.pause(`paused by ${who}`);
        ctx.flash('success', ctx.state.t('schedules.flashPaused', { id }));
        break;
      case 'unpause':
        await handle.unpause(`resumed by ${who}`);
        ctx.flash('success', ctx.state.t('schedules.flashResumed', { id }));
        break;
      case 'trigger':
        await handle.trigger();
        ctx.flash('success', ctx.state.t('schedules.flashStarted', { id }));
        break;
      default:
        ctx.throw(404, 'no such action');
    }
    await auditFromCtx(ctx, `schedule.${params.action}`, id);
    if (ctx.accepts('html', 'json') === 'json') ctx.body = { ok: true };
    else {
      ctx.status = 303;
      ctx.redirect('/admin-dashboard/schedules/');
    }
  });

  return router;
}

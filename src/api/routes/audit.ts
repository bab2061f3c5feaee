// The audit trail: who did what, when, from where. Readable by every staff member.
import Router from '@koa/router';
import type { Context } from 'koa';
import type { ApiDeps } from '../deps';
import { requireUser } from '../middleware/auth';
import { auditActions, listAudit, type AuditFilter } from '../../db/audit';
import { pageParams, paginate } from '../render';
import { auditTargetHref } from '../audit-links';

function filterOf(ctx: Context): AuditFilter {
  const s = (v: unknown) => (typeof v === 'string' ? v.slice(0, 200) : undefined);
  return { action: s(ctx.query.action), actor: s(ctx.query.actor), target: s(ctx.query.target) };
}

export function auditRoutes(deps: ApiDeps): Router {
  const router = new Router();

  router.get('/admin-dashboard/audit/', requireUser, async (ctx) => {
    const filter = filterOf(ctx);
    const { page, limit, offset } = pageParams(ctx, 50);
    const [{ rows, total }, actions] = await Promise.all([listAudit(deps.sql, filter, { limit, offset }), auditActions(deps.sql)]);
    // Each target links to what it names (src/api/audit-links.ts).
    const linked = rows.map((r) => ({ ...r, targetHref: auditTargetHref(r.action, r.target) }));
    ctx.render('audit/index', { title: ctx.state.t('audit.title'), nav: 'audit', rows: linked, filter, actions, pagination: paginate(ctx, total, page, limit) });
  });

  router.get('/api/audit', requireUser, async (ctx) => {
    const filter = filterOf(ctx);
    const { page, limit, offset } = pageParams(ctx, 100);
    const { rows, total } = await listAudit(deps.sql, filter, { limit, offset });
    ctx.body = { page, perPage: limit, total, entries: rows };
  });

  return router;
}

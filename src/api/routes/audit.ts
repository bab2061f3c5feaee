// The audit trail: who did what, when, from where. Readable by every staff member.
import Router from '@koa/router';
import { z } from 'zod';
import type { ApiDeps } from '../deps';
import { requireUser } from '../middleware/auth';
import { auditActions, listAudit, type AuditFilter } from '../../db/audit';
import { paginate } from '../render';
import { auditTargetHref } from '../audit-links';
import { defineRoute, first, positiveInt, responses, text, validate } from '../validate';

/** The audit list's filters and page, shared by the page and the JSON endpoint. */
const auditQuery = z.object({
  action: first(text(200)).optional().meta({ description: "exact action, or a prefix ending in '.' or '*' (bulk.*)" }),
  actor: first(text(200)).optional().meta({ description: 'part of the actor (email or token:<name>)' }),
  target: first(text(200)).optional(),
  page: first(positiveInt(100_000)).default(1),
});

const AuditEntry = z
  .object({
    id: z.number().int(),
    at: z.string().meta({ format: 'date-time' }),
    actor: z.string(),
    action: z.string(),
    target: z.string().nullable(),
    ip: z.string(),
    detail: z.record(z.string(), z.unknown()).nullable(),
  })
  .partial()
  .meta({ id: 'AuditEntry' });

export const auditApi = {
  page: defineRoute({ method: 'get', path: '/admin-dashboard/audit/', input: { query: auditQuery } }),
  list: defineRoute({
    method: 'get',
    path: '/api/audit',
    input: { query: auditQuery },
    doc: {
      summary: 'The audit log, newest first',
      tags: ['audit'],
      responses: {
        200: {
          description: 'A page of entries (100 per page)',
          content: { 'application/json': { schema: z.object({ page: z.number().int(), perPage: z.number().int(), total: z.number().int(), entries: z.array(AuditEntry) }).partial() } },
        },
        401: responses.unauthorized,
      },
    },
  }),
};

function filterOf(q: z.output<typeof auditQuery>): AuditFilter {
  return { action: q.action, actor: q.actor, target: q.target };
}

export function auditRoutes(deps: ApiDeps): Router {
  const router = new Router();

  router.get('/admin-dashboard/audit/', requireUser, async (ctx) => {
    const { query } = validate(ctx, auditApi.page);
    const filter = filterOf(query);
    const { page, limit, offset } = { page: query.page, limit: 50, offset: (query.page - 1) * 50 };
    const [{ rows, total }, actions] = await Promise.all([listAudit(deps.sql, filter, { limit, offset }), auditActions(deps.sql)]);
    // Each target links to what it names (src/api/audit-links.ts).
    const linked = rows.map((r) => ({ ...r, targetHref: auditTargetHref(r.action, r.target) }));
    ctx.render('audit/index', { title: ctx.state.t('audit.title'), nav: 'audit', rows: linked, filter, actions, pagination: paginate(ctx, total, page, limit) });
  });

  router.get('/api/audit', requireUser, async (ctx) => {
    const { query } = validate(ctx, auditApi.list);
    const filter = filterOf(query);
    const { page, limit, offset } = { page: query.page, limit: 100, offset: (query.page - 1) * 100 };
    const { rows, total } = await listAudit(deps.sql, filter, { limit, offset });
    ctx.body = { page, perPage: limit, total, entries: rows };
  });

  return router;
}

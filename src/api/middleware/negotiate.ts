import type { Context } from 'koa';

/**
 * Whether this request gets JSON rather than an HTML page: everything under /api/, API-token calls, and
 * clients that prefer JSON (the seed's curl examples against /admin-dashboard/… REST endpoints, fetch() in app.js).
 */
export function wantsJson(ctx: Context): boolean {
  if (ctx.path.startsWith('/api/')) return true;
  if (/^Bearer\s/i.test(ctx.get('Authorization'))) return true;
  const accept = ctx.get('Accept');
  if (!accept) return false;
  return ctx.accepts('html', 'json') === 'json';
}

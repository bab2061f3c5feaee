// Synchronizer token: every state-changing request made with a session cookie must carry the session's token,
// from the X-CSRF-Token header, the `_csrf` field of a urlencoded form, or the `_csrf` query parameter of a
// multipart form. It runs before any body parser of a route, so a forged upload is refused before a byte is stored.
// API-token requests are exempt: a browser never adds an Authorization header on its own.
import type { Middleware } from 'koa';
import { safeEqual } from '../secrets';
import { formBody } from './body';
import { isSafeMethod, LOGIN_PATH } from './auth';

function first(v: unknown): string {
  if (Array.isArray(v)) return typeof v[0] === 'string' ? v[0] : '';
  return typeof v === 'string' ? v : '';
}

export function csrf(): Middleware {
  const parseForm = formBody();
  return async (ctx, next) => {
    if (isSafeMethod(ctx.method) || ctx.state.via !== 'session') return next();
    // The login form has its own double-submit token (there is no session yet when it is shown).
    if (ctx.path === LOGIN_PATH || ctx.path === LOGIN_PATH.slice(0, -1)) return next();
    const expected = ctx.state.csrfToken ?? '';
    let sent = ctx.get('X-CSRF-Token');
    if (!sent && ctx.is('multipart')) sent = first(ctx.query._csrf);
    else if (!sent && ctx.is('urlencoded')) {
      await parseForm(ctx, async () => {});
      const body = ctx.request.body;
      sent = body && typeof body === 'object' && !Array.isArray(body) ? first((body as Record<string, unknown>)._csrf) : '';
    }
    if (!expected || !sent || !safeEqual(sent, expected)) {
      ctx.state.log?.warn({ path: ctx.path, user: ctx.state.user?.email }, 'csrf token missing or wrong');
      ctx.throw(403, 'This form has expired or did not come from this site. Reload the page and try again.');
    }
    await next();
  };
}

// Who may do what. The global guard (in app.ts, before any router) denies by default: every path under
// /admin-dashboard/ and /api/ needs a signed-in user or an API token, except the few listed as public here,
// and a viewer can send nothing but GET/HEAD. requireUser/requireAdmin repeat it per route, for readers.
import type { Context, Middleware, Next } from 'koa';
import { wantsJson } from './negotiate';
import { problem } from './errors';

export const LOGIN_PATH = '/admin-dashboard/login/';
export const LOGOUT_PATH = '/admin-dashboard/logout/';

const PROTECTED = /^\/(admin-dashboard|api)(\/|$)/;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Reachable without an account. The OpenAPI document is public on purpose: it describes, it holds no data. */
const PUBLIC: { methods: Set<string> | null; path: RegExp }[] = [
  { methods: new Set(['GET', 'HEAD', 'POST']), path: /^\/admin-dashboard\/login\/?$/ },
  { methods: new Set(['GET', 'HEAD']), path: /^\/api\/openapi\.json$/ },
];

/** Unsafe requests a viewer may still make: only ending their own session, unless a feature adds one. */
const VIEWER_WRITABLE: RegExp[] = [/^\/admin-dashboard\/logout\/?$/, /^\/admin-dashboard\/account\/password\/?$/];

/**
 * For a feature whose POST changes nothing shared (e.g. an export built from a POSTed selection): lets viewers
 * send it. Call at router construction, with an anchored pattern.
 */
export function allowViewerWrite(path: RegExp): void {
  if (!path.source.startsWith('^') || !path.source.endsWith('$')) throw new Error('allowViewerWrite needs an anchored pattern (^…$)');
  // Routers may be built more than once (tests): keep one copy of each pattern.
  if (!VIEWER_WRITABLE.some((p) => p.source === path.source)) VIEWER_WRITABLE.push(path);
}

/** Whether a viewer may send a non-GET request to this path (logout, own password, features' allowViewerWrite). */
export function viewerMayWrite(path: string): boolean {
  return VIEWER_WRITABLE.some((p) => p.test(path));
}

export function isPublic(method: string, path: string): boolean {
  return PUBLIC.some((p) => (p.methods === null || p.methods.has(method)) && p.path.test(path));
}

function loginRedirect(ctx: Context): void {
  const next = ctx.method === 'GET' ? ctx.originalUrl : ctx.get('Referer') ? new URL(ctx.get('Referer'), 'http://x').pathname : '/admin-dashboard/';
  ctx.status = 303;
  ctx.redirect(`${LOGIN_PATH}?next=${encodeURIComponent(next)}`);
}

function unauthenticated(ctx: Context): void {
  if (wantsJson(ctx)) {
    ctx.set('WWW-Authenticate', 'Bearer');
    return problem(ctx, 401, 'Sign in, or send an API token as Authorization: Bearer <token>.');
  }
  loginRedirect(ctx);
}

function forbidden(ctx: Context, detail: string): void {
  if (wantsJson(ctx)) return problem(ctx, 403, detail);
  ctx.throw(403, detail);
}

/** Deny by default (mounted once in app.ts, before CSRF and the routers). */
export function guard(): Middleware {
  return async (ctx, next) => {
    if (!PROTECTED.test(ctx.path) || isPublic(ctx.method, ctx.path)) return next();
    const user = ctx.state.user;
    if (!user) return unauthenticated(ctx);
    if (user.role !== 'admin' && !SAFE_METHODS.has(ctx.method) && !viewerMayWrite(ctx.path)) {
      return forbidden(ctx, 'Your account can read but not change anything. Ask an administrator.');
    }
    await next();
  };
}

export async function requireUser(ctx: Context, next: Next): Promise<void> {
  if (!ctx.state.user) return unauthenticated(ctx);
  await next();
}

export async function requireAdmin(ctx: Context, next: Next): Promise<void> {
  if (!ctx.state.user) return unauthenticated(ctx);
  if (ctx.state.user.role !== 'admin') return forbidden(ctx, 'Only administrators can do this.');
  await next();
}

export function isSafeMethod(method: string): boolean {
  return SAFE_METHODS.has(method);
}

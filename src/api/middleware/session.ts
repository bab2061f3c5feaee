// Server-side sessions in PostgreSQL. The cookie holds 32 random bytes; the table holds their sha256, the user,
// the CSRF token and the flash messages. A new id at every login (no fixation), deleted at logout.
import type { Context, Middleware } from 'koa';
import type { ApiDeps, AuthUser, FlashMessage } from '../deps';
import { deleteSession, insertSession, loadSession, saveFlash } from '../../db/sessions';
import { randomToken, sha256Hex } from '../secrets';

interface SessionHandle {
  idHash: string | null;
  flash: FlashMessage[];
  dirty: boolean;
}

const handles = new WeakMap<Context, SessionHandle>();

export function sessionCookieName(secure: boolean): string {
  // __Host- binds the cookie to this exact origin over https (no Domain, Path=/, Secure).
  return secure ? '__Host-sid' : 'sid';
}

function cookieOptions(deps: ApiDeps, maxAgeMs?: number) {
  return {
    httpOnly: true,
    // Lax, not Strict: links from notification emails and chat messages into an import's page keep the session.
    // Every state-changing request needs the CSRF token anyway.
    sameSite: 'lax' as const,
    secure: deps.config.server.cookieSecure,
    path: '/',
    overwrite: true,
    maxAge: maxAgeMs,
  };
}

function setCookie(ctx: Context, deps: ApiDeps, name: string, value: string | null, maxAgeMs?: number): void {
  // Behind a TLS-terminating proxy without TRUST_PROXY, Koa thinks the request is plain http and would refuse a
  // Secure cookie; COOKIE_SECURE=true is the operator saying the browser side is https.
  if (deps.config.server.cookieSecure) ctx.cookies.secure = true;
  ctx.cookies.set(name, value, cookieOptions(deps, maxAgeMs));
}

export function sessions(deps: ApiDeps): Middleware {
  const name = sessionCookieName(deps.config.server.cookieSecure);
  return async (ctx, next) => {
    ctx.state.user = undefined;
    ctx.state.via = undefined;
    ctx.state.csrfToken = undefined;
    const handle: SessionHandle = { idHash: null, flash: [], dirty: false };
    handles.set(ctx, handle);
    const raw = ctx.cookies.get(name);
    if (raw) {
      const s = /^[A-Za-z0-9_-]{43}$/.test(raw) ? await loadSession(deps.sql, sha256Hex(raw), deps.config.server.sessionIdleSeconds) : undefined;
      if (s) {
        handle.idHash = s.id_hash;
        handle.flash = Array.isArray(s.flash) ? s.flash : [];
        ctx.state.user = { id: s.user_id, email: s.email, role: s.role, language: s.language };
        ctx.state.via = 'session';
        ctx.state.csrfToken = s.csrf_token;
      } else {
        setCookie(ctx, deps, name, null);
      }
    }
    ctx.flash = (kind, message) => {
      if (!handle.idHash) return;
      handle.flash.push({ kind, message: String(message).slice(0, 1000) });
      handle.dirty = true;
    };
    await next();
    if (handle.dirty && handle.idHash) await saveFlash(deps.sql, handle.idHash, handle.flash.slice(-10));
  };
}

/** The messages queued for this session, emptied: the page being rendered shows them once. */
export function takeFlash(ctx: Context): FlashMessage[] {
  const handle = handles.get(ctx);
  if (!handle || handle.flash.length === 0) return [];
  const messages = handle.flash;
  handle.flash = [];
  handle.dirty = true;
  return messages;
}

/** After a successful login: a brand-new session id (any previous one is deleted) with its own CSRF token. */
export async function startSession(ctx: Context, deps: ApiDeps, user: AuthUser): Promise<void> {
  const handle = handles.get(ctx) ?? { idHash: null, flash: [], dirty: false };
  handles.set(ctx, handle);
  if (handle.idHash) await deleteSession(deps.sql, handle.idHash);
  const id = randomToken(32);
  const csrfToken = randomToken(32);
  const ttl = deps.config.server.sessionTtlSeconds;
  await insertSession(deps.sql, { idHash: sha256Hex(id), userId: user.id, csrfToken, ip: ctx.ip, userAgent: ctx.get('User-Agent') || null, ttlSeconds: ttl });
  handle.idHash = sha256Hex(id);
  handle.flash = [];
  handle.dirty = false;
  ctx.state.user = user;
  ctx.state.via = 'session';
  ctx.state.csrfToken = csrfToken;
  setCookie(ctx, deps, sessionCookieName(deps.config.server.cookieSecure), id, ttl * 1000);
}

export async function endSession(ctx: Context, deps: ApiDeps): Promise<void> {
  const handle = handles.get(ctx);
  if (handle?.idHash) await deleteSession(deps.sql, handle.idHash);
  if (handle) {
    handle.idHash = null;
    handle.dirty = false;
  }
  ctx.state.user = undefined;
  ctx.state.via = undefined;
  ctx.state.csrfToken = undefined;
  setCookie(ctx, deps, sessionCookieName(deps.config.server.cookieSecure), null);
}

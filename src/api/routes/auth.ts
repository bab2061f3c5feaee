// Signing in and out, and one's own password. The login form has no session yet, so it carries a
// double-submit token (a cookie and the same value in the form) instead of the session's CSRF token.
import Router from '@koa/router';
import type { Context } from 'koa';
import type { ApiDeps } from '../deps';
import { formBody } from '../middleware/body';
import { fail } from '../middleware/errors';
import { endSession, startSession } from '../middleware/session';
import { allowViewerWrite, LOGIN_PATH, LOGOUT_PATH, requireUser } from '../middleware/auth';
import { auditFromCtx } from '../middleware/audit';
import { recordAudit } from '../../db/audit';
import { findUserByEmail, findUserById, markLogin, normalizeEmail, setUserLanguage, setUserPassword } from '../../db/users';
import { isLanguage, LANGUAGES } from '../../i18n/languages';
import { translator } from '../../i18n/i18n';
import { recordLoginAttempt } from '../../db/login-attempts';
import { deleteUserSessions } from '../../db/sessions';
import { hashPassword, MAX_PASSWORD_LENGTH, passwordProblem, verifyAgainstDummy, verifyPassword } from '../passwords';
import { throttledUntil } from '../login-throttle';
import { randomToken, safeEqual } from '../secrets';

const LOGIN_CSRF_COOKIE = 'login_csrf';

/** Only a path of this admin: never another site (open redirect) nor a scheme-relative '//host'. */
export function safeNext(raw: unknown): string {
  const next = typeof raw === 'string' ? raw : '';
  if (/^\/(admin-dashboard|api)(\/|$)/.test(next) && !/^\/\/|\\/.test(next) && !next.startsWith(LOGIN_PATH)) return next;
  return '/admin-dashboard/';
}

function field(body: unknown, name: string): string {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return '';
  const v = (body as Record<string, unknown>)[name];
  return typeof v === 'string' ? v : '';
}

export function authRoutes(deps: ApiDeps): Router {
  const router = new Router();
  // A viewer's language is their own, like their password: they may save it.
  allowViewerWrite(/^\/admin-dashboard\/language\/?$/);
  const secure = deps.config.server.cookieSecure;

  function loginToken(ctx: Context): string {
    const existing = ctx.cookies.get(LOGIN_CSRF_COOKIE);
    if (existing && /^[A-Za-z0-9_-]{43}$/.test(existing)) return existing;
    const token = randomToken(32);
    if (secure) ctx.cookies.secure = true;
    ctx.cookies.set(LOGIN_CSRF_COOKIE, token, { httpOnly: true, sameSite: 'strict', secure, path: LOGIN_PATH, overwrite: true });
    return token;
  }

  function showLogin(ctx: Context, status: number, extra: { error?: string; email?: string } = {}): void {
    ctx.render('auth/login', {
      title: ctx.state.t('auth.signIn'),
      loginCsrf: loginToken(ctx),
      next: safeNext(ctx.query.next ?? field(ctx.request.body, 'next')),
      signedOut: ctx.query.signed_out === '1',
      email: extra.email ?? '',
      error: extra.error ?? null,
    }, status);
  }

  router.get(LOGIN_PATH, async (ctx) => {
    if (ctx.state.user && ctx.state.via === 'session') return ctx.redirect(safeNext(ctx.query.next));
    showLogin(ctx, 200);
  });

  router.post(LOGIN_PATH, formBody(), async (ctx) => {
    const body = ctx.request.body;
    const sent = field(body, '_csrf');
    const cookie = ctx.cookies.get(LOGIN_CSRF_COOKIE) ?? '';
    if (!sent || !cookie || !safeEqual(sent, cookie)) {
      return showLogin(ctx, 403, { error: ctx.state.t('auth.formExpired') });
    }
    const email = normalizeEmail(field(body, 'email')).slice(0, 254);
    const password = field(body, 'password').slice(0, MAX_PASSWORD_LENGTH);
    if (!email || !password) return showLogin(ctx, 400, { error: ctx.state.t('auth.missing'), email });

    const throttle = await throttledUntil(deps.sql, email, ctx.ip);
    if (throttle) {
      const { until, rule } = throttle;
      await recordAudit(deps.sql, { actor: email, action: 'login_throttled', ip: ctx.ip, detail: { until: until.toISOString(), rule } });
      ctx.set('Retry-After', String(Math.max(1, Math.ceil((until.getTime() - Date.now()) / 1000))));
      return showLogin(ctx, 429, { error: ctx.state.t('auth.genericFailure'), email });
    }
    const user = await findUserByEmail(deps.sql, email);
    const ok = user && !user.disabled_at ? await verifyPassword(password, user.password_hash) : await verifyAgainstDummy(password);
    await recordLoginAttempt(deps.sql, { email, ip: ctx.ip, succeeded: Boolean(ok) });
    if (!ok || !user) {
      await recordAudit(deps.sql, { actor: email, action: 'login_failed', ip: ctx.ip });
      return showLogin(ctx, 401, { error: ctx.state.t('auth.genericFailure'), email });
    }
    await startSession(ctx, deps, { id: user.id, email: user.email, role: user.role, language: user.language });
    await markLogin(deps.sql, user.id);
    await auditFromCtx(ctx, 'login', null, { role: user.role });
    ctx.cookies.set(LOGIN_CSRF_COOKIE, null, { path: LOGIN_PATH });
    ctx.status = 303;
    ctx.redirect(safeNext(field(body, 'next')));
  });

  router.post(LOGOUT_PATH, requireUser, async (ctx) => {
    if (ctx.state.via === 'session') {
      await auditFromCtx(ctx, 'logout');
      await endSession(ctx, deps);
    }
    ctx.status = 303;
    ctx.redirect(`${LOGIN_PATH}?signed_out=1`);
  });

  router.get('/admin-dashboard/account/', requireUser, async (ctx) => {
    ctx.render('auth/account', { title: ctx.state.t('account.title'), nav: 'account' });
  });

  router.post('/admin-dashboard/account/password/', requireUser, formBody(), async (ctx) => {
    const me = ctx.state.via === 'session' && ctx.state.user ? await findUserById(deps.sql, ctx.state.user.id) : undefined;
    if (!me) fail(400, ctx.state.t('account.notAPerson'));
    const current = field(ctx.request.body, 'current_password');
    const next = field(ctx.request.body, 'new_password');
    const problemText = (await verifyPassword(current.slice(0, MAX_PASSWORD_LENGTH), me.password_hash))
      ? next !== field(ctx.request.body, 'confirm_password')
        ? ctx.state.t('account.passwordsDiffer')
        : passwordProblem(next, ctx.state.t)
      : ctx.state.t('account.currentWrong');
    if (problemText) return ctx.render('auth/account', { title: ctx.state.t('account.title'), nav: 'account', error: problemText }, 400);
    await setUserPassword(deps.sql, me.id, await hashPassword(next));
    // Every other browser signed in as this person is signed out; this one gets a fresh session.
    await deleteUserSessions(deps.sql, me.id);
    await startSession(ctx, deps, { id: me.id, email: me.email, role: me.role, language: me.language });
    await auditFromCtx(ctx, 'user.password', me.email);
    ctx.flash('success', ctx.state.t('account.passwordChanged'));
    ctx.status = 303;
    ctx.redirect('/admin-dashboard/account/');
  });

  // The language switch of every page's header and of the account page: saved on the account, then back to the page.
  router.post('/admin-dashboard/language/', requireUser, formBody(), async (ctx) => {
    const chosen = field(ctx.request.body, 'language');
    if (!isLanguage(chosen)) fail(400, ctx.state.t('language.unknown', { languages: LANGUAGES.join(', ') }));
    if (ctx.state.via !== 'session' || !ctx.state.user) fail(400, ctx.state.t('account.notAPerson'));
    await setUserLanguage(deps.sql, ctx.state.user.id, chosen);
    await auditFromCtx(ctx, 'user.language', ctx.state.user.email, { language: chosen });
    ctx.flash('success', translator(chosen)('language.saved'));
    ctx.status = 303;
    ctx.redirect(safeNext(field(ctx.request.body, 'next')));
  });

  router.get('/api/me', requireUser, (ctx) => {
    const user = ctx.state.user!;
    ctx.body = { email: user.email, role: user.role, via: ctx.state.via };
  });

  return router;
}

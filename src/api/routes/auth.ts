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
import { z } from 'zod';
import { check, defineRoute, field, first, koaPath, refusalText, responses, validate } from '../validate';

export const authApi = {
  me: defineRoute({
    method: 'get',
    path: '/api/me',
    input: {},
    doc: {
      summary: 'Who the request acts as',
      tags: ['meta'],
      responses: {
        200: {
          description: 'The identity behind the token or session',
          content: {
            'application/json': {
              schema: z.object({ email: z.string().meta({ description: "staff email, or 'token:<name>'" }), role: z.enum(['admin', 'viewer']), via: z.enum(['session', 'token']) }),
            },
          },
        },
        401: responses.unauthorized,
      },
    },
  }),
};

const LOGIN_CSRF_COOKIE = 'login_csrf';
const ACCOUNT_PATH = '/admin-dashboard/account/';
const LANGUAGE_PATH = '/admin-dashboard/language/';

/**
 * Bounds of the raw fields: looser than what the handlers then apply (an email cut to 254 characters, a password
 * to MAX_PASSWORD_LENGTH with passwordProblem's message), so those keep their behaviour; past these, refused.
 */
const FIELD_MAX = 10_000;
/** A path to go back to: safeNext() then keeps only this admin's paths. */
const nextField = first(z.string().max(2_000)).optional();
/** Any text field as sent (not trimmed: a password's spaces are part of it); empty when absent. */
const raw = first(z.string().max(FIELD_MAX)).default('');

/** The sign-in, sign-out, password and language forms: pages for people, so not in the OpenAPI document. */
export const authPages = {
  loginPage: defineRoute({ method: 'get', path: LOGIN_PATH, input: { query: z.object({ next: nextField, signed_out: first(z.string().max(10)).optional() }) } }),
  login: defineRoute({
    method: 'post',
    path: LOGIN_PATH,
    input: { query: z.object({ next: nextField }), body: z.object({ _csrf: first(z.string().max(200)).default(''), email: raw, password: raw, next: nextField }) },
  }),
  logout: defineRoute({ method: 'post', path: LOGOUT_PATH, input: {} }),
  account: defineRoute({ method: 'get', path: ACCOUNT_PATH, input: {} }),
  password: defineRoute({
    method: 'post',
    path: `${ACCOUNT_PATH}password/`,
    input: { body: z.object({ current_password: raw, new_password: raw, confirm_password: raw }) },
  }),
  language: defineRoute({ method: 'post', path: LANGUAGE_PATH, input: { body: z.object({ language: field(z.string().max(20)), next: nextField }) } }),
};

/** Only a path of this admin: never another site (open redirect) nor a scheme-relative '//host'. */
export function safeNext(raw: unknown): string {
  const next = typeof raw === 'string' ? raw : '';
  if (/^\/(admin-dashboard|api)(\/|$)/.test(next) && !/^\/\/|\\/.test(next) && !next.startsWith(LOGIN_PATH)) return next;
  return '/admin-dashboard/';
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

  function showLogin(ctx: Context, status: number, extra: { error?: string; email?: string; next?: string; signedOut?: boolean } = {}): void {
    ctx.render('auth/login', {
      title: ctx.state.t('auth.signIn'),
      loginCsrf: loginToken(ctx),
      next: safeNext(extra.next),
      signedOut: extra.signedOut ?? false,
      email: extra.email ?? '',
      error: extra.error ?? null,
    }, status);
  }

  router.get(koaPath(authPages.loginPage), async (ctx) => {
    const checked = check(ctx, authPages.loginPage);
    // An overlong parameter: the form still shows (a person must be able to sign in), with the message.
    if (!checked.ok) return showLogin(ctx, 400, { error: refusalText(ctx.state.t, checked.error) });
    const { next, signed_out } = checked.value.query;
    if (ctx.state.user && ctx.state.via === 'session') return ctx.redirect(safeNext(next));
    showLogin(ctx, 200, { next, signedOut: signed_out === '1' });
  });

  router.post(koaPath(authPages.login), formBody(), async (ctx) => {
    const checked = check(ctx, authPages.login);
    // Refused before the throttle and the password check: nothing is recorded for a request no form sends.
    if (!checked.ok) return showLogin(ctx, 400, { error: refusalText(ctx.state.t, checked.error) });
    const { query, body } = checked.value;
    const next = query.next ?? body.next;
    const sent = body._csrf;
    const cookie = ctx.cookies.get(LOGIN_CSRF_COOKIE) ?? '';
    if (!sent || !cookie || !safeEqual(sent, cookie)) {
      return showLogin(ctx, 403, { error: ctx.state.t('auth.formExpired'), next });
    }
    const email = normalizeEmail(body.email).slice(0, 254);
    const password = body.password.slice(0, MAX_PASSWORD_LENGTH);
    if (!email || !password) return showLogin(ctx, 400, { error: ctx.state.t('auth.missing'), email, next });

    const throttle = await throttledUntil(deps.sql, email, ctx.ip);
    if (throttle) {
      const { until, rule } = throttle;
      await recordAudit(deps.sql, { actor: email, action: 'login_throttled', ip: ctx.ip, detail: { until: until.toISOString(), rule } });
      ctx.set('Retry-After', String(Math.max(1, Math.ceil((until.getTime() - Date.now()) / 1000))));
      return showLogin(ctx, 429, { error: ctx.state.t('auth.genericFailure'), email, next });
    }
    const user = await findUserByEmail(deps.sql, email);
    const ok = user && !user.disabled_at ? await verifyPassword(password, user.password_hash) : await verifyAgainstDummy(password);
    await recordLoginAttempt(deps.sql, { email, ip: ctx.ip, succeeded: Boolean(ok) });
    if (!ok || !user) {
      await recordAudit(deps.sql, { actor: email, action: 'login_failed', ip: ctx.ip });
      return showLogin(ctx, 401, { error: ctx.state.t('auth.genericFailure'), email, next });
    }
    await startSession(ctx, deps, { id: user.id, email: user.email, role: user.role, language: user.language });
    await markLogin(deps.sql, user.id);
    await auditFromCtx(ctx, 'login', null, { role: user.role });
    ctx.cookies.set(LOGIN_CSRF_COOKIE, null, { path: LOGIN_PATH });
    ctx.status = 303;
    ctx.redirect(safeNext(body.next));
  });

  router.post(koaPath(authPages.logout), requireUser, async (ctx) => {
    validate(ctx, authPages.logout);
    if (ctx.state.via === 'session') {
      await auditFromCtx(ctx, 'logout');
      await endSession(ctx, deps);
    }
    ctx.status = 303;
    ctx.redirect(`${LOGIN_PATH}?signed_out=1`);
  });

  router.get(koaPath(authPages.account), requireUser, async (ctx) => {
    validate(ctx, authPages.account);
    ctx.render('auth/account', { title: ctx.state.t('account.title'), nav: 'account' });
  });

  router.post(koaPath(authPages.password), requireUser, formBody(), async (ctx) => {
    const me = ctx.state.via === 'session' && ctx.state.user ? await findUserById(deps.sql, ctx.state.user.id) : undefined;
    if (!me) fail(400, ctx.state.t('account.notAPerson'));
    const checked = check(ctx, authPages.password);
    if (!checked.ok) return ctx.render('auth/account', { title: ctx.state.t('account.title'), nav: 'account', error: refusalText(ctx.state.t, checked.error) }, 400);
    const { current_password: current, new_password: next, confirm_password: confirm } = checked.value.body;
    const problemText = (await verifyPassword(current.slice(0, MAX_PASSWORD_LENGTH), me.password_hash))
      ? next !== confirm
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
    ctx.redirect(ACCOUNT_PATH);
  });

  // The language switch of every page's header and of the account page: saved on the account, then back to the page.
  router.post(koaPath(authPages.language), requireUser, formBody(), async (ctx) => {
    const { body } = validate(ctx, authPages.language);
    const chosen = body.language ?? '';
    if (!isLanguage(chosen)) fail(400, ctx.state.t('language.unknown', { languages: LANGUAGES.join(', ') }));
    if (ctx.state.via !== 'session' || !ctx.state.user) fail(400, ctx.state.t('account.notAPerson'));
    await setUserLanguage(deps.sql, ctx.state.user.id, chosen);
    await auditFromCtx(ctx, 'user.language', ctx.state.user.email, { language: chosen });
    ctx.flash('success', translator(chosen)('language.saved'));
    ctx.status = 303;
    ctx.redirect(safeNext(body.next));
  });

  router.get(koaPath(authApi.me), requireUser, (ctx) => {
    validate(ctx, authApi.me);
    const user = ctx.state.user!;
    ctx.body = { email: user.email, role: user.role, via: ctx.state.via };
  });

  return router;
}

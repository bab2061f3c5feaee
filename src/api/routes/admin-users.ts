// Staff accounts and API tokens: admins only.
import Router from '@koa/router';
import type { Context } from 'koa';
import type { ApiDeps, Role } from '../deps';
import { formBody } from '../middleware/body';
import { fail } from '../middleware/errors';
import { requireAdmin } from '../middleware/auth';
import { auditFromCtx } from '../middleware/audit';
import {
  countOtherActiveAdmins,
  DuplicateEmailError,
  findUserById,
  insertUser,
  listUsers,
  normalizeEmail,
  setUserDisabled,
  setUserPassword,
  setUserRole,
} from '../../db/users';
import { deleteUserSessions } from '../../db/sessions';
import { insertApiToken, listApiTokens, revokeApiToken } from '../../db/api-tokens';
import { hashPassword, passwordProblem } from '../passwords';
import { newApiToken } from '../secrets';
import { z } from 'zod';
import { check, defineRoute, field, first, koaPath, positiveInt, refusalText, validate } from '../validate';

const USERS_PATH = '/admin-dashboard/users/';
const EMAIL = /^[^\s@<>"']{1,64}@[^\s@<>"']{1,189}\.[^\s@<>"']{2,}$/;

/**
 * Bounds of the raw fields, looser than the page's own rules (an email of 254 characters, a token name of 100, a
 * password of MAX_PASSWORD_LENGTH), so that those rules keep their own messages; past these, the request is refused.
 */
const EMAIL_FIELD_MAX = 1_000;
const NAME_FIELD_MAX = 1_000;
const PASSWORD_FIELD_MAX = 10_000;
const ROLE_FIELD_MAX = 40;

const noAccount = { message: 'No such account.', key: 'users.noSuchAccount' };
/** An account's or a token's id in the path: anything but a positive integer is no account (404). */
const idParams = z.object({ id: positiveInt() });
/** A password as typed: never trimmed (spaces are part of it). */
const password = first(z.string().max(PASSWORD_FIELD_MAX)).default('');

/** The page's forms: HTML only, so not in the OpenAPI document. */
export const adminUserApi = {
  page: defineRoute({ method: 'get', path: USERS_PATH, input: {} }),
  create: defineRoute({
    method: 'post',
    path: USERS_PATH,
    input: { body: z.object({ email: field(z.string().max(EMAIL_FIELD_MAX)), role: field(z.string().max(ROLE_FIELD_MAX)), password }) },
  }),
  role: defineRoute({ method: 'post', path: `${USERS_PATH}{id}/role/`, input: { params: idParams, body: z.object({ role: field(z.string().max(ROLE_FIELD_MAX)) }) }, notFound: noAccount }),
  disable: defineRoute({ method: 'post', path: `${USERS_PATH}{id}/disable/`, input: { params: idParams }, notFound: noAccount }),
  enable: defineRoute({ method: 'post', path: `${USERS_PATH}{id}/enable/`, input: { params: idParams }, notFound: noAccount }),
  password: defineRoute({ method: 'post', path: `${USERS_PATH}{id}/password/`, input: { params: idParams, body: z.object({ password }) }, notFound: noAccount }),
  token: defineRoute({
    method: 'post',
    path: `${USERS_PATH}tokens/`,
    input: { body: z.object({ name: field(z.string().max(NAME_FIELD_MAX)), role: field(z.string().max(ROLE_FIELD_MAX)) }) },
  }),
  revoke: defineRoute({ method: 'post', path: `${USERS_PATH}tokens/{id}/revoke/`, input: { params: idParams }, notFound: noAccount }),
};

function role(value: string | undefined): Role | null {
  return value === 'admin' || value === 'viewer' ? value : null;
}

function backToUsers(ctx: Context): void {
  ctx.status = 303;
  ctx.redirect(USERS_PATH);
}

export function adminUserRoutes(deps: ApiDeps): Router {
  const router = new Router();
  const { sql } = deps;

  async function page(ctx: Context, status = 200, extra: Record<string, unknown> = {}): Promise<void> {
    const [users, tokens] = await Promise.all([listUsers(sql), listApiTokens(sql)]);
    ctx.render('admin-users/index', { title: ctx.state.t('users.title'), nav: 'users', users, tokens, form: {}, tokenForm: {}, publicUrl: deps.config.publicUrl, ...extra }, status);
  }

  router.get(koaPath(adminUserApi.page), requireAdmin, async (ctx) => {
    validate(ctx, adminUserApi.page);
    await page(ctx);
  });

  router.post(koaPath(adminUserApi.create), requireAdmin, formBody(), async (ctx) => {
    const checked = check(ctx, adminUserApi.create);
    // A field over its bound: the form again with the message, nothing created.
    if (!checked.ok) return page(ctx, 400, { formError: refusalText(ctx.state.t, checked.error) });
    const { password } = checked.value.body;
    const email = normalizeEmail(checked.value.body.email ?? '');
    const r = role(checked.value.body.role);
    const form = { email, role: r ?? 'viewer' };
    const problemText = !EMAIL.test(email) || email.length > 254 ? ctx.state.t('users.validEmail') : !r ? ctx.state.t('users.chooseRole') : passwordProblem(password, ctx.state.t);
    if (problemText) return page(ctx, 400, { form, formError: problemText });
    try {
      const user = await insertUser(sql, { email, role: r!, passwordHash: await hashPassword(password), createdBy: ctx.state.user!.email });
      await auditFromCtx(ctx, 'user.create', user.email, { role: user.role });
      ctx.flash('success', ctx.state.t('users.flashCreated', { email: user.email, role: ctx.state.t(`common.roles.${user.role}`) }));
      backToUsers(ctx);
    } catch (err) {
      if (err instanceof DuplicateEmailError) return page(ctx, 409, { form, formError: ctx.state.t('users.duplicate') });
      throw err;
    }
  });

  router.post(koaPath(adminUserApi.role), requireAdmin, formBody(), async (ctx) => {
    const { params, body } = validate(ctx, adminUserApi.role);
    const id = params.id;
    const r = role(body.role);
    const user = await findUserById(sql, id);
    if (!user) fail(404, 'No such account.', { key: 'users.noSuchAccount' });
    if (!r) fail(400, 'Choose a role.', { key: 'users.chooseRole' });
    if (user.role === 'admin' && r !== 'admin' && (await countOtherActiveAdmins(sql, id)) === 0) {
      ctx.flash('error', ctx.state.t('users.lastAdmin'));
      return backToUsers(ctx);
    }
    await setUserRole(sql, id, r);
    await auditFromCtx(ctx, 'user.role', user.email, { from: user.role, to: r });
    ctx.flash('success', ctx.state.t('users.flashRole', { email: user.email, role: ctx.state.t(`common.roles.${r}`) }));
    backToUsers(ctx);
  });

  for (const [action, disabled] of [['disable', true], ['enable', false]] as const) {
    router.post(koaPath(adminUserApi[action]), requireAdmin, formBody(), async (ctx) => {
      const id = validate(ctx, adminUserApi[action]).params.id;
      const user = await findUserById(sql, id);
      if (!user) fail(404, 'No such account.', { key: 'users.noSuchAccount' });
      if (disabled && user.role === 'admin' && (await countOtherActiveAdmins(sql, id)) === 0) {
        ctx.flash('error', ctx.state.t('users.lastAdmin'));
        return backToUsers(ctx);
      }
      await setUserDisabled(sql, id, disabled);
      if (disabled) await deleteUserSessions(sql, id);
      await auditFromCtx(ctx, `user.${action}`, user.email);
      ctx.flash('success', ctx.state.t(disabled ? 'users.flashDisabled' : 'users.flashEnabled', { email: user.email }));
      backToUsers(ctx);
    });
  }

  router.post(koaPath(adminUserApi.password), requireAdmin, formBody(), async (ctx) => {
    const id = validate(ctx, { input: { params: idParams }, notFound: noAccount }).params.id;
    const user = await findUserById(sql, id);
    if (!user) fail(404, 'No such account.', { key: 'users.noSuchAccount' });
    // Refused as the password's own rules are: a flash naming the account, back to the page.
    const checked = check(ctx, adminUserApi.password);
    const password = checked.ok ? checked.value.body.password : '';
    const problemText = checked.ok ? passwordProblem(password, ctx.state.t) : refusalText(ctx.state.t, checked.error);
    if (problemText) {
      ctx.flash('error', `${user.email}: ${problemText}`);
      return backToUsers(ctx);
    }
    await setUserPassword(sql, id, await hashPassword(password));
    await deleteUserSessions(sql, id);
    await auditFromCtx(ctx, 'user.password', user.email);
    ctx.flash('success', ctx.state.t('users.flashPassword', { email: user.email }));
    backToUsers(ctx);
  });

  router.post(koaPath(adminUserApi.token), requireAdmin, formBody(), async (ctx) => {
    const checked = check(ctx, adminUserApi.token);
    if (!checked.ok) return page(ctx, 400, { tokenError: refusalText(ctx.state.t, checked.error) });
    const name = checked.value.body.name ?? '';
    const r = role(checked.value.body.role);
    const tokenForm = { name, role: r ?? 'viewer' };
    if (!name || name.length > 100) return page(ctx, 400, { tokenForm, tokenError: ctx.state.t('users.tokenName') });
    if (!r) return page(ctx, 400, { tokenForm, tokenError: ctx.state.t('users.chooseRole') });
    const t = newApiToken();
    const id = await insertApiToken(sql, { name, tokenHash: t.hash, prefix: t.prefix, role: r, createdBy: ctx.state.user!.id || null });
    await auditFromCtx(ctx, 'token.create', `token:${name}`, { id, role: r });
    // Rendered, not redirected: the token is shown this once and never stored in clear.
    await page(ctx, 201, { newToken: { name, role: r, token: t.token } });
  });

  router.post(koaPath(adminUserApi.revoke), requireAdmin, formBody(), async (ctx) => {
    const id = validate(ctx, adminUserApi.revoke).params.id;
    const revoked = await revokeApiToken(sql, id);
    if (revoked) {
      await auditFromCtx(ctx, 'token.revoke', `token:${revoked.name}`, { id });
      ctx.flash('success', ctx.state.t('users.flashRevoked', { name: revoked.name }));
    } else ctx.flash('info', ctx.state.t('users.alreadyRevoked'));
    backToUsers(ctx);
  });

  return router;
}

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

const USERS_PATH = '/admin-dashboard/users/';
const EMAIL = /^[^\s@<>"']{1,64}@[^\s@<>"']{1,189}\.[^\s@<>"']{2,}$/;

function field(ctx: Context, name: string): string {
  const body = ctx.request.body;
  if (!body || typeof body !== 'object' || Array.isArray(body)) return '';
  const v = (body as Record<string, unknown>)[name];
  return typeof v === 'string' ? v.trim() : '';
}

function role(value: string): Role | null {
  return value === 'admin' || value === 'viewer' ? value : null;
}

function idParam(ctx: Context): number {
  const id = Number(ctx.params.id);
  if (!Number.isSafeInteger(id) || id <= 0) fail(404, 'No such account.', { key: 'users.noSuchAccount' });
  return id;
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

  router.get(USERS_PATH, requireAdmin, async (ctx) => page(ctx));

  router.post(USERS_PATH, requireAdmin, formBody(), async (ctx) => {
    const email = normalizeEmail(field(ctx, 'email'));
    const r = role(field(ctx, 'role'));
    const password = typeof (ctx.request.body as Record<string, unknown> | undefined)?.password === 'string' ? String((ctx.request.body as Record<string, unknown>).password) : '';
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

  router.post('/admin-dashboard/users/:id/role/', requireAdmin, formBody(), async (ctx) => {
    const id = idParam(ctx);
    const r = role(field(ctx, 'role'));
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
    router.post(`/admin-dashboard/users/:id/${action}/`, requireAdmin, formBody(), async (ctx) => {
      const id = idParam(ctx);
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

  router.post('/admin-dashboard/users/:id/password/', requireAdmin, formBody(), async (ctx) => {
    const id = idParam(ctx);
    const user = await findUserById(sql, id);
    if (!user) fail(404, 'No such account.', { key: 'users.noSuchAccount' });
    const password = typeof (ctx.request.body as Record<string, unknown> | undefined)?.password === 'string' ? String((ctx.request.body as Record<string, unknown>).password) : '';
    const problemText = passwordProblem(password, ctx.state.t);
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

  router.post('/admin-dashboard/users/tokens/', requireAdmin, formBody(), async (ctx) => {
    const name = field(ctx, 'name');
    const r = role(field(ctx, 'role'));
    const tokenForm = { name, role: r ?? 'viewer' };
    if (!name || name.length > 100) return page(ctx, 400, { tokenForm, tokenError: ctx.state.t('users.tokenName') });
    if (!r) return page(ctx, 400, { tokenForm, tokenError: ctx.state.t('users.chooseRole') });
    const t = newApiToken();
    const id = await insertApiToken(sql, { name, tokenHash: t.hash, prefix: t.prefix, role: r, createdBy: ctx.state.user!.id || null });
    await auditFromCtx(ctx, 'token.create', `token:${name}`, { id, role: r });
    // Rendered, not redirected: the token is shown this once and never stored in clear.
    await page(ctx, 201, { newToken: { name, role: r, token: t.token } });
  });

  router.post('/admin-dashboard/users/tokens/:id/revoke/', requireAdmin, formBody(), async (ctx) => {
    const id = idParam(ctx);
    const revoked = await revokeApiToken(sql, id);
    if (revoked) {
      await auditFromCtx(ctx, 'token.revoke', `token:${revoked.name}`, { id });
      ctx.flash('success', ctx.state.t('users.flashRevoked', { name: revoked.name }));
    } else ctx.flash('info', ctx.state.t('users.alreadyRevoked'));
    backToUsers(ctx);
  });

  return router;
}

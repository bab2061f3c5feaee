// The validation rules page (issue 12): admins set, without code, the rules every import (or the imports of one
// column mapping profile) must meet; viewers read them. The rules are also shown on the import form.
import Router from '@koa/router';
import type { Context } from 'koa';
import type { ApiDeps } from '../deps';
import { requireAdmin, requireUser } from '../middleware/auth';
import { formBody } from '../middleware/body';
import { auditFromCtx } from '../middleware/audit';
import { GLOBAL_SCOPE, listRules, saveRules, scopeRules } from '../../db/validation-rules';
import { CATEGORIES_MAX, NO_RULES, REQUIRABLE_FIELDS, validationRulesSchema, type ValidationRules } from '../../domain/validation-rules';
import { z } from 'zod';
import { check, defineRoute, first, koaPath, validate } from '../validate';

export const RULES_PATH = '/admin-dashboard/import-rules/';
/** Characters of a profile name (migration 016's bound on a scope). */
const SCOPE_MAX = 100;

/** A number field as typed: its meaning (a number, ',' as decimal point, or empty) is read by numberField. */
const numberText = first(z.string().max(40)).optional();

/**
 * The form's fields, bounded; what they mean (numbers, known fields, at most CATEGORIES_MAX categories) is the
 * domain's validationRulesSchema, whose messages the page shows beside the form. A scope over SCOPE_MAX is
 * answered by the page's own message (below), so it is bounded there, not here.
 */
const rulesForm = z
  .object({
    scope: first(z.string().max(10_000)).optional(),
    required: z.union([z.string().max(40), z.array(z.string().max(40)).max(50)]).optional(),
    categories: first(z.string().max(200_000)).optional(),
    unknownCategory: first(z.string().max(20)).optional(),
    priceMin: numberText,
    priceMax: numberText,
    durationMin: numberText,
    durationMax: numberText,
    minQuality: numberText,
  })
  .loose();

export const validationRuleApi = {
  page: defineRoute({ method: 'get', path: RULES_PATH, input: { query: z.object({ scope: first(z.string().max(10_000)).optional() }) } }),
  save: defineRoute({ method: 'post', path: RULES_PATH, input: { body: rulesForm } }),
};

function scopeOf(value: unknown): string | null {
  const s = typeof value === 'string' ? value.trim() : '';
  return s.length <= SCOPE_MAX ? s : null;
}

/** A number field of the form: empty is "no bound"; anything else must be a number (',' accepted as decimal point). */
function numberField(v: unknown): number | null | 'invalid' {
  const s = typeof v === 'string' ? v.trim().replace(',', '.') : '';
  if (s === '') return null;
  const n = Number(s);
  return Number.isFinite(n) ? n : 'invalid';
}

function list(v: unknown): string[] {
  return Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : [];
}

async function page(ctx: Context, scope: string, form: ValidationRules, status = 200, errors: string[] = []): Promise<void> {
  ctx.render('import-rules/index', {
    title: ctx.state.t('rules.title'),
    nav: 'import',
    scopes: await listRules(ctx.deps.sql),
    scope,
    form,
    errors,
    fields: REQUIRABLE_FIELDS,
  }, status);
}

export function validationRuleRoutes(_deps: ApiDeps): Router {
  const router = new Router();

  router.get(koaPath(validationRuleApi.page), requireUser, async (ctx) => {
    const scope = scopeOf(validate(ctx, validationRuleApi.page).query.scope) ?? GLOBAL_SCOPE;
    await page(ctx, scope, await scopeRules(ctx.deps.sql, scope));
  });

  router.post(koaPath(validationRuleApi.save), requireAdmin, formBody(), async (ctx) => {
    const t = ctx.state.t;
    const checked = check(ctx, validationRuleApi.save);
    // A field over its bound: the page again with the message, nothing saved.
    if (!checked.ok) return page(ctx, GLOBAL_SCOPE, NO_RULES, 400, [checked.error.i18n ? t(checked.error.i18n.key, checked.error.i18n.params) : checked.error.message]);
    const body: Record<string, unknown> = checked.value.body;
    const scope = scopeOf(body.scope);
    if (scope === null) return page(ctx, GLOBAL_SCOPE, NO_RULES, 400, [t('rules.errors.scope', { max: SCOPE_MAX })]);
    const errors: string[] = [];
    const num = (name: string) => {
      const n = numberField(body[name]);
      if (n === 'invalid') {
        errors.push(t('rules.errors.number', { field: t(`rules.${name}`) }));
        return null;
      }
      return n;
    };
    const categories = String(body.categories ?? '').split(/\r?\n/).map((c) => c.trim()).filter((c) => c !== '');
    const draft = {
      required: list(body.required),
      categories: [...new Set(categories)],
      unknownCategory: body.unknownCategory === 'warning' ? 'warning' : 'error',
      priceMin: num('priceMin'),
      priceMax: num('priceMax'),
      durationMin: num('durationMin'),
      durationMax: num('durationMax'),
      minQuality: num('minQuality'),
    };
    const parsed = validationRulesSchema.safeParse(draft);
    if (!parsed.success || errors.length > 0) {
      if (!parsed.success) {
        for (const issue of parsed.error.issues) {
          const field = String(issue.path[0] ?? '');
          errors.push(field === 'categories' ? t('rules.errors.categories', { max: CATEGORIES_MAX }) : t('rules.errors.invalid', { field: t(`rules.${field}`, { defaultValue: field }), message: issue.message }));
        }
      }
      // The form comes back as typed: nothing the admin wrote is lost.
      return page(ctx, scope, { ...NO_RULES, ...(draft as Partial<ValidationRules>), required: draft.required.filter((f): f is ValidationRules['required'][number] => (REQUIRABLE_FIELDS as readonly string[]).includes(f)) }, 400, [...new Set(errors)]);
    }
    await saveRules(ctx.deps.sql, scope, parsed.data, ctx.state.user?.email ?? 'unknown');
    await auditFromCtx(ctx, 'validation_rules.save', scope || 'global', parsed.data);
    ctx.flash('success', t('rules.saved'));
    ctx.status = 303;
    ctx.redirect(`${RULES_PATH}${scope ? `?scope=${encodeURIComponent(scope)}` : ''}`);
  });

  return router;
}

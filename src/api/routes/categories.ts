// The categories page (issue 14): the managed taxonomy. Everyone signed in reads it; admins create, rename (French
// and English names), set synonyms and a parent (two levels), deactivate and merge categories (courses follow and
// are re-indexed), with an "assisted merge" list of near-duplicates, and seed the taxonomy from the catalogue.
import Router from '@koa/router';
import type { Context } from 'koa';
import type { ApiDeps } from '../deps';
import { requireAdmin, requireUser } from '../middleware/auth';
import { formBody } from '../middleware/body';
import { auditFromCtx } from '../middleware/audit';
import { wantsJson } from '../middleware/negotiate';
import {
  CategoryError,
  createCategory,
  getCategory,
  listCategories,
  matchUncategorisedCourses,
  mergeCategories,
  seedCategoriesFromCourses,
  setCategoryActive,
  updateCategory,
  type CategoryInput,
  type CategoryRow,
} from '../../db/categories';
import { nearDuplicates } from '../../domain/taxonomy';
import { reindexCategoryCourses, reindexCourses, type CategoryIndexDeps } from '../../categories/reindex';
import { z } from 'zod';
import { check, defineRoute, first, koaPath, responses, validate, type ValidationError } from '../validate';

export const CATEGORIES_PATH = '/admin-dashboard/categories/';
/** Characters of a name or a synonym, and synonyms per category. */
export const NAME_MAX = 200;
export const SYNONYMS_MAX = 50;

type Body = Record<string, unknown>;
const str = (v: unknown) => (typeof v === 'string' ? v : '');
const idOf = (v: unknown): number | null => (typeof v === 'string' && /^\d{1,9}$/.test(v) && Number(v) > 0 ? Number(v) : null);

/**
 * Bounds of the raw form fields: looser than NAME_MAX and SYNONYMS_MAX, whose own messages readInput() gives; a
 * field past them is refused with the message of its rule (fieldErrorKey) and nothing is saved.
 */
const NAME_FIELD_MAX = 10 * NAME_MAX;
const SYNONYMS_FIELD_MAX = 2 * SYNONYMS_MAX * (NAME_MAX + 2);
const ID_FIELD_MAX = 40;
const formText = (max: number) => first(z.string().max(max)).optional();
const categoryForm = z
  .object({ name_fr: formText(NAME_FIELD_MAX), name_en: formText(NAME_FIELD_MAX), synonyms: formText(SYNONYMS_FIELD_MAX), parent_id: formText(ID_FIELD_MAX) })
  .loose();
/** The same form with every field cut to its bound: what a refused form shows again (nothing typed within the bounds is lost). */
const clip = (max: number) => first(z.string().transform((v) => v.slice(0, max))).optional().catch(undefined);
const clippedForm = z.object({ name_fr: clip(NAME_FIELD_MAX), name_en: clip(NAME_FIELD_MAX), synonyms: clip(SYNONYMS_FIELD_MAX), parent_id: clip(ID_FIELD_MAX) });
/** A category's id in the path: anything else names no category (404, as an unknown id). */
const categoryId = z.object({ id: z.string().regex(/^\d{1,9}$/).transform(Number).refine((n) => n > 0) });
const noCategory = { message: 'This category does not exist.', key: 'categories.error.not_found' };

/** The message (a key of categories.error) of a form field refused by categoryForm: its own rule's. */
function fieldErrorKey(error: ValidationError): string {
  const name = error.issues[0]?.name;
  if (name === 'synonyms') return 'too_many_synonyms';
  if (name === 'parent_id') return 'parent_not_found';
  return 'name_too_long';
}

/** The form's values, or the messages (keys of categories.error) of what is wrong with them. */
function readInput(body: Body): { input: CategoryInput; errors: string[] } {
  const errors: string[] = [];
  const nameFr = str(body.name_fr).replace(/\s+/g, ' ').trim();
  const nameEn = str(body.name_en).replace(/\s+/g, ' ').trim();
  if (nameFr === '' || nameEn === '') errors.push('names_required');
  if (nameFr.length > NAME_MAX || nameEn.length > NAME_MAX) errors.push('name_too_long');
  const synonyms = [...new Set(str(body.synonyms).split(/[\r\n]+/).map((s) => s.replace(/\s+/g, ' ').trim()).filter((s) => s !== ''))];
  if (synonyms.length > SYNONYMS_MAX) errors.push('too_many_synonyms');
  if (synonyms.some((s) => s.length > NAME_MAX)) errors.push('synonym_too_long');
  const parentRaw = str(body.parent_id);
  const parentId = parentRaw === '' ? null : idOf(parentRaw);
  if (parentRaw !== '' && parentId === null) errors.push('parent_not_found');
  return { input: { nameFr, nameEn, synonyms: synonyms.slice(0, SYNONYMS_MAX), parentId }, errors };
}

function indexDeps(deps: ApiDeps): CategoryIndexDeps {
  return { sql: deps.sql, es: deps.es, alias: deps.config.elasticsearch.alias, bulkSize: deps.config.elasticsearch.bulkSize, concurrency: deps.config.elasticsearch.bulkConcurrency };
}

/**
 * Re-indexes after a change and says so: a failure leaves PostgreSQL right and the index behind, which the admin is
 * told (a reindex from the monitoring page fixes it), never a lost change.
 */
async function reindexed(ctx: Context, run: () => Promise<number>): Promise<void> {
  try {
    await run();
  } catch (err) {
    ctx.state.log.warn({ err }, 'categories: re-indexing failed');
    ctx.flash('warning', ctx.state.t('categories.reindexFailed'));
  }
}

async function listPage(ctx: Context, status = 200, form?: { values: Body; errors: string[] }): Promise<void> {
  const categories = await listCategories(ctx.deps.sql);
  const duplicates = nearDuplicates(categories).slice(0, 100);
  if (wantsJson(ctx)) {
    ctx.body = {
      categories,
      duplicates: duplicates.map((d) => ({ keep: d.keep.id, merge: d.merge.id, reason: d.reason, score: Math.round(d.score * 100) / 100 })),
    };
    return;
  }
  ctx.render('categories/index', {
    title: ctx.state.t('categories.title'),
    nav: 'categories',
    categories,
    parents: categories.filter((c) => c.parentId === null && c.active),
    duplicates,
    byId: new Map(categories.map((c) => [c.id, c])),
    form: form ?? { values: {}, errors: [] },
    limits: { name: NAME_MAX, synonyms: SYNONYMS_MAX },
  }, status);
}

async function editPage(ctx: Context, category: CategoryRow, status = 200, form?: { values: Body; errors: string[] }): Promise<void> {
  const categories = await listCategories(ctx.deps.sql);
  ctx.render('categories/show', {
    title: ctx.state.t('categories.editTitle', { name: ctx.state.language === 'fr' ? category.nameFr : category.nameEn }),
    nav: 'categories',
    category,
    // Two levels: a parent is a top-level category other than this one.
    parents: categories.filter((c) => c.parentId === null && c.active && c.id !== category.id),
    targets: categories.filter((c) => c.active && c.id !== category.id),
    children: categories.filter((c) => c.parentId === category.id),
    form: form ?? { values: { name_fr: category.nameFr, name_en: category.nameEn, synonyms: category.synonyms.join('\n'), parent_id: category.parentId === null ? '' : String(category.parentId) }, errors: [] },
    limits: { name: NAME_MAX, synonyms: SYNONYMS_MAX },
  }, status);
}

/** The category of the URL's id (validated by the route's declaration); a 404 when there is none. */
async function categoryOf(ctx: Context, id: number): Promise<CategoryRow> {
  const category = await getCategory(ctx.deps.sql, id);
  if (!category) return ctx.throw(404, ctx.state.t('categories.error.not_found'));
  return category;
}

/** The form's refusal by its declaration: its rule's message, the form shown again with what was typed (cut to the bounds). */
function refusedForm(ctx: Context, error: ValidationError): { values: Body; errors: string[] } {
  const clipped = check(ctx, { input: { body: clippedForm } });
  return { values: clipped.ok ? clipped.value.body : {}, errors: [fieldErrorKey(error)] };
}

function errorKey(err: unknown): string | null {
  return err instanceof CategoryError ? err.code : null;
}

export const categoryApi = {
  list: defineRoute({
    method: 'get',
    path: CATEGORIES_PATH,
    input: {},
    doc: {
      summary: 'The category taxonomy (issue 14): every category with its course count, and the near-duplicate pairs the assisted merge proposes',
      tags: ['courses'],
      description: 'JSON with `Accept: application/json` or an API token.',
      responses: {
        200: { description: '{categories[{id, slug, nameFr, nameEn, synonyms, parentId, active, mergedInto, courses}], duplicates[{keep, merge, reason: same_folded|translation|similar, score}]}' },
        401: responses.unauthorized,
      },
    },
  }),
  // The pages' forms (HTML; the show page also answers JSON, as the list does).
  create: defineRoute({ method: 'post', path: CATEGORIES_PATH, input: { body: categoryForm } }),
  seed: defineRoute({ method: 'post', path: `${CATEGORIES_PATH}seed`, input: {} }),
  match: defineRoute({ method: 'post', path: `${CATEGORIES_PATH}match`, input: {} }),
  show: defineRoute({ method: 'get', path: `${CATEGORIES_PATH}{id}/`, input: { params: categoryId }, notFound: noCategory }),
  update: defineRoute({ method: 'post', path: `${CATEGORIES_PATH}{id}/`, input: { params: categoryId, body: categoryForm }, notFound: noCategory }),
  active: defineRoute({ method: 'post', path: `${CATEGORIES_PATH}{id}/active`, input: { params: categoryId, body: z.object({ active: formText(10) }) }, notFound: noCategory }),
  merge: defineRoute({ method: 'post', path: `${CATEGORIES_PATH}{id}/merge`, input: { params: categoryId, body: z.object({ into: formText(ID_FIELD_MAX) }) }, notFound: noCategory }),
};

export function categoryRoutes(deps: ApiDeps): Router {
  const router = new Router();

  router.get(koaPath(categoryApi.list), requireUser, async (ctx) => listPage(ctx));

  router.post(koaPath(categoryApi.create), requireAdmin, formBody(), async (ctx) => {
    const checked = check(ctx, categoryApi.create);
    if (!checked.ok) return listPage(ctx, 400, refusedForm(ctx, checked.error));
    const body: Body = checked.value.body;
    const { input, errors } = readInput(body);
    if (errors.length) return listPage(ctx, 400, { values: body, errors });
    let created: CategoryRow;
    try {
      created = await createCategory(deps.sql, input);
    } catch (err) {
      const key = errorKey(err);
      if (!key) throw err;
      return listPage(ctx, 400, { values: body, errors: [key] });
    }
    await auditFromCtx(ctx, 'category.create', String(created.id), { slug: created.slug, name_fr: created.nameFr, name_en: created.nameEn });
    // Courses whose category text names it (or a synonym) join it now.
    const ids = await matchUncategorisedCourses(deps.sql);
    await reindexed(ctx, () => reindexCourses(indexDeps(deps), ids));
    ctx.flash('success', ctx.state.t('categories.created', { name: ctx.state.language === 'fr' ? created.nameFr : created.nameEn, count: ids.length }));
    ctx.status = 303;
    ctx.redirect(CATEGORIES_PATH);
  });

  router.post(koaPath(categoryApi.seed), requireAdmin, formBody(), async (ctx) => {
    validate(ctx, categoryApi.seed);
    const seeded = await seedCategoriesFromCourses(deps.sql);
    await auditFromCtx(ctx, 'category.seed', null, seeded);
    if (seeded.categories > 0) await reindexed(ctx, () => reindexCategoryCourses(indexDeps(deps), null));
    ctx.flash(seeded.categories > 0 ? 'success' : 'info', ctx.state.t(seeded.categories > 0 ? 'categories.seeded' : 'categories.seedNothing', { categories: seeded.categories, courses: seeded.courses }));
    ctx.status = 303;
    ctx.redirect(CATEGORIES_PATH);
  });

  router.post(koaPath(categoryApi.match), requireAdmin, formBody(), async (ctx) => {
    validate(ctx, categoryApi.match);
    const ids = await matchUncategorisedCourses(deps.sql);
    await auditFromCtx(ctx, 'category.match', null, { courses: ids.length });
    await reindexed(ctx, () => reindexCourses(indexDeps(deps), ids));
    ctx.flash('success', ctx.state.t('categories.matched', { count: ids.length }));
    ctx.status = 303;
    ctx.redirect(CATEGORIES_PATH);
  });

  router.get(koaPath(categoryApi.show), requireUser, async (ctx) => {
    const category = await categoryOf(ctx, validate(ctx, categoryApi.show).params.id);
    if (wantsJson(ctx)) {
      ctx.body = category;
      return;
    }
    await editPage(ctx, category);
  });

  router.post(koaPath(categoryApi.update), requireAdmin, formBody(), async (ctx) => {
    const category = await categoryOf(ctx, validate(ctx, { input: { params: categoryId }, notFound: noCategory }).params.id);
    const checked = check(ctx, categoryApi.update);
    if (!checked.ok) return editPage(ctx, category, 400, refusedForm(ctx, checked.error));
    const body: Body = checked.value.body;
    const { input, errors } = readInput(body);
    if (errors.length) return editPage(ctx, category, 400, { values: body, errors });
    let renamed: boolean;
    try {
      ({ renamed } = await updateCategory(deps.sql, category.id, input));
    } catch (err) {
      const key = errorKey(err);
      if (!key) throw err;
      return editPage(ctx, category, 400, { values: body, errors: [key] });
    }
    await auditFromCtx(ctx, 'category.update', String(category.id), { name_fr: input.nameFr, name_en: input.nameEn, synonyms: input.synonyms, parent_id: input.parentId });
    // The documents hold the names: a rename re-indexes the category's courses; new synonyms may match courses.
    const ids = await matchUncategorisedCourses(deps.sql);
    await reindexed(ctx, async () => (renamed ? await reindexCategoryCourses(indexDeps(deps), category.id) : 0) + (await reindexCourses(indexDeps(deps), ids)));
    ctx.flash('success', ctx.state.t('categories.saved'));
    ctx.status = 303;
    ctx.redirect(`${CATEGORIES_PATH}${category.id}/`);
  });

  router.post(koaPath(categoryApi.active), requireAdmin, formBody(), async (ctx) => {
    const { params, body } = validate(ctx, categoryApi.active);
    const id = params.id;
    const active = body.active === 'true';
    try {
      await setCategoryActive(deps.sql, id, active);
    } catch (err) {
      if (errorKey(err) === 'not_found') ctx.throw(404, ctx.state.t('categories.error.not_found'));
      throw err;
    }
    await auditFromCtx(ctx, active ? 'category.activate' : 'category.deactivate', String(id));
    ctx.flash('success', ctx.state.t(active ? 'categories.activated' : 'categories.deactivated'));
    ctx.status = 303;
    ctx.redirect(`${CATEGORIES_PATH}${id}/`);
  });

  router.post(koaPath(categoryApi.merge), requireAdmin, formBody(), async (ctx) => {
    const id = validate(ctx, { input: { params: categoryId }, notFound: noCategory }).params.id;
    // An overlong target is no category either: the same message, back to the page.
    const checked = check(ctx, categoryApi.merge);
    const into = checked.ok ? idOf(checked.value.body.into) : null;
    if (into === null) {
      ctx.flash('error', ctx.state.t('categories.error.merge_target'));
      ctx.status = 303;
      ctx.redirect(`${CATEGORIES_PATH}${id}/`);
      return;
    }
    let moved: number;
    try {
      ({ moved } = await mergeCategories(deps.sql, id, into));
    } catch (err) {
      const key = errorKey(err);
      if (!key) throw err;
      if (key === 'not_found') ctx.throw(404, ctx.state.t('categories.error.not_found'));
      ctx.flash('error', ctx.state.t(`categories.error.${key}`));
      ctx.status = 303;
      ctx.redirect(`${CATEGORIES_PATH}${id}/`);
      return;
    }
    await auditFromCtx(ctx, 'category.merge', String(id), { into, courses: moved });
    await reindexed(ctx, () => reindexCategoryCourses(indexDeps(deps), into));
    const target = await getCategory(deps.sql, into);
    ctx.flash('success', ctx.state.t('categories.merged', { count: moved, name: target ? (ctx.state.language === 'fr' ? target.nameFr : target.nameEn) : String(into) }));
    ctx.status = 303;
    ctx.redirect(CATEGORIES_PATH);
  });

  return router;
}

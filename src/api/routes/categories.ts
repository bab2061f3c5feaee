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

export const CATEGORIES_PATH = '/admin-dashboard/categories/';
/** Characters of a name or a synonym, and synonyms per category. */
export const NAME_MAX = 200;
export const SYNONYMS_MAX = 50;

type Body = Record<string, unknown>;
const str = (v: unknown) => (typeof v === 'string' ? v : '');
const idOf = (v: unknown): number | null => (typeof v === 'string' && /^\d{1,9}$/.test(v) && Number(v) > 0 ? Number(v) : null);

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

/** The category of the URL's id; a 404 when there is none. */
async function categoryOf(ctx: Context): Promise<CategoryRow> {
  const id = idOf(ctx.params.id);
  const category = id === null ? null : await getCategory(ctx.deps.sql, id);
  if (!category) return ctx.throw(404, ctx.state.t('categories.error.not_found'));
  return category;
}

function errorKey(err: unknown): string | null {
  return err instanceof CategoryError ? err.code : null;
}

export function categoryRoutes(deps: ApiDeps): Router {
  const router = new Router();

  router.get(CATEGORIES_PATH, requireUser, async (ctx) => listPage(ctx));

  router.post(CATEGORIES_PATH, requireAdmin, formBody(), async (ctx) => {
    const body = (ctx.request.body ?? {}) as Body;
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

  router.post(`${CATEGORIES_PATH}seed`, requireAdmin, formBody(), async (ctx) => {
    const seeded = await seedCategoriesFromCourses(deps.sql);
    await auditFromCtx(ctx, 'category.seed', null, seeded);
    if (seeded.categories > 0) await reindexed(ctx, () => reindexCategoryCourses(indexDeps(deps), null));
    ctx.flash(seeded.categories > 0 ? 'success' : 'info', ctx.state.t(seeded.categories > 0 ? 'categories.seeded' : 'categories.seedNothing', { categories: seeded.categories, courses: seeded.courses }));
    ctx.status = 303;
    ctx.redirect(CATEGORIES_PATH);
  });

  router.post(`${CATEGORIES_PATH}match`, requireAdmin, formBody(), async (ctx) => {
    const ids = await matchUncategorisedCourses(deps.sql);
    await auditFromCtx(ctx, 'category.match', null, { courses: ids.length });
    await reindexed(ctx, () => reindexCourses(indexDeps(deps), ids));
    ctx.flash('success', ctx.state.t('categories.matched', { count: ids.length }));
    ctx.status = 303;
    ctx.redirect(CATEGORIES_PATH);
  });

  router.get(`${CATEGORIES_PATH}:id/`, requireUser, async (ctx) => {
    const category = await categoryOf(ctx);
    if (wantsJson(ctx)) {
      ctx.body = category;
      return;
    }
    await editPage(ctx, category);
  });

  router.post(`${CATEGORIES_PATH}:id/`, requireAdmin, formBody(), async (ctx) => {
    const category = await categoryOf(ctx);
    const body = (ctx.request.body ?? {}) as Body;
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

  router.post(`${CATEGORIES_PATH}:id/active`, requireAdmin, formBody(), async (ctx) => {
    const id = idOf(ctx.params.id);
    if (id === null) return ctx.throw(404, ctx.state.t('categories.error.not_found'));
    const active = str(((ctx.request.body ?? {}) as Body).active) === 'true';
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

  router.post(`${CATEGORIES_PATH}:id/merge`, requireAdmin, formBody(), async (ctx) => {
    const id = idOf(ctx.params.id);
    const into = idOf(str(((ctx.request.body ?? {}) as Body).into));
    if (id === null) return ctx.throw(404, ctx.state.t('categories.error.not_found'));
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

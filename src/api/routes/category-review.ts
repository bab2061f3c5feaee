// The review queue of the auto-categoriser's suggestions and its model versions (issue 14). Everyone signed in
// reads them; admins accept a suggestion, correct it with another category, accept in bulk above a confidence, and
// retrain the model now. A decision sets the course's category (re-indexed) and feeds the next training.
import Router from '@koa/router';
import type { Context } from 'koa';
import type { ApiDeps } from '../deps';
import { requireAdmin, requireUser } from '../middleware/auth';
import { formBody } from '../middleware/body';
import { auditFromCtx } from '../middleware/audit';
import { wantsJson } from '../middleware/negotiate';
import { acceptAbove, decideSuggestion, listCategoryModels, listPendingSuggestions, ReviewError } from '../../db/category-models';
import { listCategories } from '../../db/categories';
import { reindexCourses, type CategoryIndexDeps } from '../../categories/reindex';
import { startCategoryTraining } from '../../temporal/start-training';
import { z } from 'zod';
import { check, defineRoute, field, first, koaPath, refusalText, validate } from '../validate';

export const REVIEW_PATH = '/admin-dashboard/category-review/';
export const MODELS_PATH = `${REVIEW_PATH}models/`;
/** Suggestions per page of the queue. */
export const PAGE_SIZE = 50;
/** At most this many suggestions are accepted by one bulk action (the rest stay for the next one). */
export const BULK_ACCEPT_MAX = 5000;

const idOf = (v: unknown): number | null => (typeof v === 'string' && /^\d{1,12}$/.test(v) && Number(v) > 0 ? Number(v) : null);

const noSuggestion = { message: 'No such suggestion.', key: 'categoryReview.error.not_found' };

/** The queue's pages and forms (HTML; the lists also answer JSON). Numbers arrive as text, read leniently as before. */
export const categoryReviewApi = {
  // An unreadable page number is the first page, as before; only its length is bounded.
  queue: defineRoute({ method: 'get', path: REVIEW_PATH, input: { query: z.object({ page: first(z.string().max(20)).optional() }) } }),
  acceptAbove: defineRoute({ method: 'post', path: `${REVIEW_PATH}accept-above`, input: { body: z.object({ min_confidence: field(z.string().max(40)) }) } }),
  models: defineRoute({ method: 'get', path: MODELS_PATH, input: {} }),
  retrain: defineRoute({ method: 'post', path: `${MODELS_PATH}retrain`, input: {} }),
  decide: defineRoute({
    method: 'post',
    path: `${REVIEW_PATH}{id}/{decision}`,
    input: {
      params: z.object({ id: z.string().regex(/^\d{1,12}$/).transform(Number).refine((n) => n > 0), decision: z.enum(['accept', 'correct']) }),
      body: z.object({ category_id: field(z.string().max(40)) }),
    },
    notFound: noSuggestion,
  }),
};

function indexDeps(deps: ApiDeps): CategoryIndexDeps {
  return { sql: deps.sql, es: deps.es, alias: deps.config.elasticsearch.alias, bulkSize: deps.config.elasticsearch.bulkSize, concurrency: deps.config.elasticsearch.bulkConcurrency };
}

/** A failed re-index leaves PostgreSQL right and the index behind: the admin is told, nothing is lost. */
async function reindexed(ctx: Context, deps: ApiDeps, ids: number[]): Promise<void> {
  try {
    await reindexCourses(indexDeps(deps), ids);
  } catch (err) {
    ctx.state.log.warn({ err }, 'category review: re-indexing failed');
    ctx.flash('warning', ctx.state.t('categoryReview.reindexFailed'));
  }
}

function back(ctx: Context, path = REVIEW_PATH): void {
  ctx.status = 303;
  ctx.redirect(path);
}

export function categoryReviewRoutes(deps: ApiDeps): Router {
  const router = new Router();

  router.get(koaPath(categoryReviewApi.queue), requireUser, async (ctx) => {
    const page = Math.min(10_000, Math.max(1, Number.parseInt(validate(ctx, categoryReviewApi.queue).query.page ?? '', 10) || 1));
    const { rows, total } = await listPendingSuggestions(deps.sql, PAGE_SIZE, (page - 1) * PAGE_SIZE);
    if (wantsJson(ctx)) {
      ctx.body = { suggestions: rows, total, page, pageSize: PAGE_SIZE };
      return;
    }
    const categories = (await listCategories(deps.sql)).filter((c) => c.active);
    ctx.render('categories/review', {
      title: ctx.state.t('categoryReview.title'),
      nav: 'categories',
      suggestions: rows,
      total,
      page,
      pages: Math.max(1, Math.ceil(total / PAGE_SIZE)),
      categories,
      threshold: deps.config.categories.autoThreshold,
    });
  });

  router.post(koaPath(categoryReviewApi.acceptAbove), requireAdmin, formBody(), async (ctx) => {
    const checked = check(ctx, categoryReviewApi.acceptAbove);
    // An overlong value: flashed as the form's other mistakes are, nothing accepted.
    if (!checked.ok) {
      ctx.flash('error', refusalText(ctx.state.t, checked.error));
      return back(ctx);
    }
    const raw = (checked.value.body.min_confidence ?? '').replace(',', '.');
    const min = /^\d+(\.\d+)?$/.test(raw) ? Number(raw) : NaN;
    if (!(min >= 0 && min <= 1)) {
      ctx.flash('error', ctx.state.t('categoryReview.error.bad_confidence'));
      return back(ctx);
    }
    const ids = await acceptAbove(deps.sql, min, ctx.state.user?.email ?? 'unknown', BULK_ACCEPT_MAX);
    await auditFromCtx(ctx, 'category_suggestion.accept_above', null, { min_confidence: min, courses: ids.length });
    await reindexed(ctx, deps, ids);
    ctx.flash('success', ctx.state.t('categoryReview.acceptedMany', { count: ids.length }));
    back(ctx);
  });

  router.get(koaPath(categoryReviewApi.models), requireUser, async (ctx) => {
    validate(ctx, categoryReviewApi.models);
    const models = await listCategoryModels(deps.sql, 50);
    if (wantsJson(ctx)) {
      ctx.body = { models };
      return;
    }
    ctx.render('categories/models', {
      title: ctx.state.t('categoryReview.modelsTitle'),
      nav: 'categories',
      models,
      threshold: deps.config.categories.autoThreshold,
    });
  });

  router.post(koaPath(categoryReviewApi.retrain), requireAdmin, formBody(), async (ctx) => {
    validate(ctx, categoryReviewApi.retrain);
    const who = ctx.state.user?.email ?? 'unknown';
    const { workflowId, started } = await startCategoryTraining(deps.temporal, deps.config, who);
    if (started) await auditFromCtx(ctx, 'category_model.retrain', workflowId, {});
    ctx.flash(started ? 'success' : 'info', ctx.state.t(started ? 'categoryReview.retrainStarted' : 'categoryReview.retrainRunning'));
    back(ctx, MODELS_PATH);
  });

  // Last: `:id` would also match the paths above ("models").
  router.post(koaPath(categoryReviewApi.decide), requireAdmin, formBody(), async (ctx) => {
    const { id, decision } = validate(ctx, { input: { params: categoryReviewApi.decide.input.params }, notFound: noSuggestion }).params;
    // An overlong category is no category: the same message as an unknown one, nothing decided.
    const checked = check(ctx, categoryReviewApi.decide);
    let categoryId: number | null = null;
    if (decision === 'correct') {
      categoryId = checked.ok ? idOf(checked.value.body.category_id) : null;
      if (categoryId === null) {
        ctx.flash('error', ctx.state.t('categoryReview.error.category_not_found'));
        return back(ctx);
      }
    }
    let courseId: number;
    try {
      courseId = await decideSuggestion(deps.sql, id, categoryId, ctx.state.user?.email ?? 'unknown');
    } catch (err) {
      if (!(err instanceof ReviewError)) throw err;
      if (err.code === 'not_found') return ctx.throw(404, ctx.state.t('categoryReview.error.not_found'));
      ctx.flash('error', ctx.state.t(`categoryReview.error.${err.code}`));
      return back(ctx);
    }
    await auditFromCtx(ctx, `category_suggestion.${decision}`, String(id), { course_id: courseId, category_id: categoryId });
    await reindexed(ctx, deps, [courseId]);
    ctx.flash('success', ctx.state.t(decision === 'accept' ? 'categoryReview.accepted' : 'categoryReview.corrected'));
    back(ctx);
  });

  return router;
}

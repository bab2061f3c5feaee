// The category part of the plan (issue 14): each staged row to create or update gets a taxonomy category.
//   - a value matching a category (src/domain/taxonomy.ts) → that category; a match through folding, a synonym or
//     a translation is a row warning (category_matched);
//   - an unknown value, by UNKNOWN_CATEGORY_POLICY: `create` → a new category (created by the upsert step, so a
//     discarded dry run creates nothing) and a warning; `refuse` → a row error; `suggest` → the auto-categoriser;
//   - no value → the auto-categoriser, except for an existing course that already has a category (kept).
// A suggestion at or above AUTO_CATEGORY_THRESHOLD is applied (warning category_suggested), below it the row is
// left without category for review (warning category_review_needed); either way it is stored in
// category_suggestions. Without a trained model (loadCategoriser gives null) the row is flagged for review.
// courses.category always keeps the value the file gave.
//
// Rows are read and written in batches (never through workflow history). Re-running the step gives the same
// result: the category warnings a previous attempt added are replaced, suggestions are upserted per row.
import type { ActivityDeps } from './deps';
import type { Categoriser, CategorySuggestion } from '../categorise/contract';
import { buildMatcher, CATEGORY_VALUE_MAX, matchCategory, type CategoryMatcher, type TaxonomyCategory } from '../domain/taxonomy';
import type { RowError } from '../domain/types';
import {
  insertSuggestions,
  readRowsToCategorise,
  taxonomy,
  writeCategoryDecisions,
  type NewSuggestion,
  type RowCategoryDecision,
  type RowToCategorise,
} from '../db/categories';

/** The settings of the step (Config.categories). */
export interface CategorySettings {
  unknownPolicy: 'create' | 'refuse' | 'suggest';
  autoThreshold: number;
}

/** What one row's decision is, before it is written. */
export interface RowDecision {
  categoryId: number | null;
  /** A category to create (the `create` policy), named as the file wrote it. */
  newCategory: string | null;
  warnings: RowError[];
  error: RowError | null;
  suggestion: CategorySuggestion | null;
  applied: boolean;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

function names(c: TaxonomyCategory) {
  return { category: c.nameEn, category_fr: c.nameFr, category_en: c.nameEn };
}

/**
 * The category of one row (pure, given the taxonomy and the model): see the module's comment. `byId` holds the
 * active categories (a suggestion naming another category is ignored). Confidence is rounded to 2 decimals in
 * messages (0.86), stored as given.
 */
export function decideRow(
  row: Pick<RowToCategorise, 'category' | 'title' | 'description' | 'lesson_titles' | 'tags' | 'current_category_id'>,
  matcher: CategoryMatcher,
  byId: ReadonlyMap<number, TaxonomyCategory>,
  categoriser: Categoriser | null,
  settings: CategorySettings,
): RowDecision {
  const none: RowDecision = { categoryId: null, newCategory: null, warnings: [], error: null, suggestion: null, applied: false };
  const value = row.category?.trim() ? row.category.slice(0, CATEGORY_VALUE_MAX) : null;
  if (value !== null) {
    const m = matchCategory(matcher, value);
    if (m) {
      const warnings: RowError[] = m.via === 'exact' ? [] : [{
        field: 'category', code: 'category_matched', params: { value, context: m.via, ...names(m.category) },
        message: `category: '${value}' read as the category ${m.category.nameEn}${m.via === 'name' ? '' : ` (${m.via})`}`,
      }];
      return { ...none, categoryId: m.category.id, warnings };
    }
    if (settings.unknownPolicy === 'create') {
      return { ...none, newCategory: value, warnings: [{ field: 'category', code: 'category_created', params: { value }, message: `category: '${value}' was not a category: category created` }] };
    }
    if (settings.unknownPolicy === 'refuse') {
      return { ...none, error: { field: 'category', code: 'category_unknown', params: { value }, message: `category: '${value}' is not a known category; new categories are refused (UNKNOWN_CATEGORY_POLICY=refuse)` } };
    }
  } else if (row.current_category_id !== null) {
    // An existing course without a category in the file keeps the one it has (set by an admin, or a review).
    return none;
  }
  const unknown = value !== null;
  if (categoriser === null) {
    return { ...none, warnings: [{
      field: '*', code: 'category_review_needed', params: unknown ? { value, context: 'unknownNoModel' } : { context: 'noModel' },
      message: unknown ? `'${value}' is not a known category and no model is trained yet: category to review` : 'no category and no model is trained yet to suggest one: category to review',
    }] };
  }
  const raw = categoriser.suggest({ title: row.title, description: row.description, lessonTitles: row.lesson_titles, tags: row.tags });
  const category = raw ? byId.get(raw.categoryId) : undefined;
  if (!raw || !category) {
    return { ...none, warnings: [{
      field: '*', code: 'category_review_needed', params: unknown ? { value, context: 'unknown' } : { context: 'none' },
      message: unknown ? `'${value}' is not a known category and the model suggests nothing: category to review` : 'no category and the model suggests nothing: category to review',
    }] };
  }
  const confidence = round2(raw.confidence);
  if (raw.confidence >= settings.autoThreshold) {
    return { ...none, categoryId: category.id, suggestion: raw, applied: true, warnings: [{
      field: '*', code: 'category_suggested', params: { ...names(category), confidence },
      message: `suggested category: ${category.nameEn} (${confidence.toFixed(2)})`,
    }] };
  }
  return { ...none, suggestion: raw, applied: false, warnings: [{
    field: '*', code: 'category_review_needed', params: { ...names(category), confidence, context: 'low' },
    message: `category to review: ${category.nameEn} suggested with a confidence of only ${confidence.toFixed(2)}, below the threshold`,
  }] };
}

const isCategoryWarning = (w: { code?: string }) => typeof w.code === 'string' && w.code.startsWith('category_');

/**
 * Decides the category of every staged row to create or update of an import, in batches of `batchSize` rows; the
 * model is loaded once (`load`: src/categorise/load.ts loadCategoriser), on the first row that needs it;
 * `onBatch` hears the last row of each batch written (the activity heartbeats). The taxonomy not in use (no category yet, and the
 * policy is not `create`) leaves rows as they are: nothing to match, nothing to warn about. Returns counts.
 */
export async function categoriseRows(
  deps: Pick<ActivityDeps, 'sql' | 'config'>,
  importId: string,
  load: (sql: ActivityDeps['sql']) => Promise<Categoriser | null>,
  onBatch: (lastRow: number) => void = () => {},
): Promise<{ rows: number; categorised: number; suggested: number; review: number }> {
  const { sql, config } = deps;
  const settings: CategorySettings = config.categories;
  const categories = await taxonomy(sql);
  const out = { rows: 0, categorised: 0, suggested: 0, review: 0 };
  if (categories.length === 0 && settings.unknownPolicy !== 'create') return out;
  const matcher = buildMatcher(categories);
  const byId = new Map(matcher.categories.map((c) => [c.id, c]));
  // Only when a row needs it: a file whose every value matches never reads the model.
  let categoriser: Categoriser | null | undefined;
  let after = 0;
  for (;;) {
    const batch = await readRowsToCategorise(sql, importId, after, config.batchSize);
    if (batch.length === 0) break;
    const decisions: RowCategoryDecision[] = [];
    const suggestions: NewSuggestion[] = [];
    for (const row of batch) {
      // Decide once without the model to learn whether the row needs it; load it on first need.
      let d = decideRow(row, matcher, byId, null, settings);
      if (d.warnings.some((w) => w.code === 'category_review_needed')) {
        if (categoriser === undefined) categoriser = await load(sql);
        d = decideRow(row, matcher, byId, categoriser, settings);
      }
      const kept = (row.warnings ?? []).filter((w) => !isCategoryWarning(w));
      const warnings = [...kept, ...d.warnings];
      // Nothing decided and nothing to replace: the row is left as it is (no rewrite of its jsonb).
      const untouched = d.categoryId === null && d.newCategory === null && d.error === null && d.warnings.length === 0 && kept.length === (row.warnings ?? []).length;
      if (!untouched) decisions.push({
        row_number: row.row_number,
        category_id: d.categoryId,
        new_category: d.newCategory,
        warnings: warnings.length ? warnings : null,
        errors: d.error ? [d.error] : null,
      });
      if (d.categoryId !== null || d.newCategory !== null) out.categorised++;
      if (d.suggestion) {
        suggestions.push({
          importId, courseId: row.course_id, rowNumber: row.row_number, courseKey: row.natural_key,
          categoryId: d.suggestion.categoryId, confidence: d.suggestion.confidence, modelVersion: d.suggestion.modelVersion,
          suggestedTags: d.suggestion.suggestedTags.slice(0, 20), applied: d.applied,
        });
        if (d.applied) out.suggested++;
      }
      if (d.warnings.some((w) => w.code === 'category_review_needed')) out.review++;
      out.rows++;
    }
    await writeCategoryDecisions(sql, importId, decisions);
    await insertSuggestions(sql, suggestions);
    after = batch[batch.length - 1]!.row_number;
    onBatch(after);
  }
  return out;
}

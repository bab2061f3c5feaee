// The category of one row to create or update (issue 14), decided from the taxonomy and the model without I/O:
//   - a value matching a category (src/domain/taxonomy.ts) → that category; a match through folding, a synonym or
//     a translation is a row warning (category_matched);
//   - an unknown value, by UNKNOWN_CATEGORY_POLICY: `create` → a new category and a warning; `refuse` → a row
//     error; `suggest` → the auto-categoriser;
//   - no value → the auto-categoriser, except for an existing course that already has a category (kept).
// A suggestion at or above AUTO_CATEGORY_THRESHOLD is applied (warning category_suggested), below it the row is
// left without category for review (warning category_review_needed). Used by the import's plan step
// (src/activities/categorise-rows.ts) and the course form (src/courses/edit.ts), so both decide alike.
import type { Categoriser, CategorySuggestion } from '../categorise/contract';
import { CATEGORY_VALUE_MAX, matchCategory, type CategoryMatcher, type TaxonomyCategory } from './taxonomy';
import type { RowError } from './types';

/** What decideRow reads of a row: the file's category value, the texts the model reads, the current category. */
export interface RowToDecide {
  category: string | null;
  title: string;
  description: string | null;
  lesson_titles: string[];
  tags: string[];
  /** The category the existing course has now (update rows), else null. */
  current_category_id: number | null;
}

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
  row: RowToDecide,
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

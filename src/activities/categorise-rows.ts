// The category part of the plan (issue 14): each staged row to create or update gets a taxonomy category, decided
// by decideRow (src/domain/category-decision.ts):
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
import type { Categoriser } from '../categorise/contract';
import { buildMatcher } from '../domain/taxonomy';
import { decideRow, type CategorySettings } from '../domain/category-decision';
import {
  insertSuggestions,
  readRowsToCategorise,
  taxonomy,
  writeCategoryDecisions,
  type NewSuggestion,
  type RowCategoryDecision,
} from '../db/categories';

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

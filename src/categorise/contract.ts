/**
 * The seam between the import path (taxonomy matching, `src/domain/taxonomy.ts` and the plan step) and the
 * auto-categorisation model (`src/categorise/`): the import asks a {@link Categoriser} for a category when a row
 * has none, or an unknown one under the `suggest` policy. Issue 14.
 */

/** The text of one course the model reads: French or English, as imported (not folded, not stemmed). */
export interface CourseText {
  title: string;
  description: string | null;
  lessonTitles: string[];
  tags: string[];
}

/**
 * One prediction: a taxonomy category (`categories.id`), the model's confidence in [0, 1] (a probability-like
 * score, compared with the `AUTO_CATEGORY_THRESHOLD` setting), the model version that made it, and suggested tags.
 */
export interface CategorySuggestion {
  categoryId: number;
  confidence: number;
  modelVersion: number;
  suggestedTags: string[];
}

/** A trained model loaded in memory; `suggest` is synchronous and pure (no I/O), so a 25k-row import stays cheap. */
export interface Categoriser {
  readonly modelVersion: number;
  suggest(course: CourseText): CategorySuggestion | null;
}

/**
 * Loading the active auto-categorisation model from PostgreSQL (table `category_models`, migration 023, issue 14).
 */
import type { Sql } from '../db/client';
import { activeCategoryModel } from '../db/category-models';
import type { Categoriser, CategorySuggestion, CourseText } from './contract';
import { deserialise, predict, type Model } from './model';

/** A trained model as the import's {@link Categoriser}: synchronous, pure, one prediction per call. */
export function categoriserOf(model: Model, modelVersion: number): Categoriser {
  return {
    modelVersion,
    suggest(course: CourseText): CategorySuggestion | null {
      const p = predict(model, course);
      return p && { categoryId: p.categoryId, confidence: p.confidence, modelVersion, suggestedTags: p.suggestedTags };
    },
  };
}

// The loaded model of this process, reused while it is still the active version: parsing the model of a large
// catalogue costs more than predicting a file's rows, and every import (and bulk page) asks for it.
// Keyed by version and creation time: two schemas (test suites) in one process may both have a version 1.
let cached: { key: string; categoriser: Categoriser } | null = null;

/**
 * The active model (the `category_models` row with `active = true`) as an in-memory {@link Categoriser}, or
 * `null` when no model has been trained and activated yet (the import then flags rows for review). Loaded once per
 * active version and process (one cheap query checks the version). The Categoriser may be shared: `suggest` is
 * synchronous, so two activities never interleave inside it.
 * Throws on database errors, and a TypeError when the stored model does not parse (a corrupt row is a bug).
 */
export async function loadCategoriser(sql: Sql): Promise<Categoriser | null> {
  const [row] = await sql<{ key: string }[]>`
    SELECT version || '@' || extract(epoch FROM created_at)::text AS key FROM category_models WHERE active`;
  if (!row) return null;
  if (cached?.key === row.key) return cached.categoriser;
  const active = await activeCategoryModel(sql);
  if (!active) return null;
  cached = { key: row.key, categoriser: categoriserOf(deserialise(active.model), active.version) };
  return cached.categoriser;
}

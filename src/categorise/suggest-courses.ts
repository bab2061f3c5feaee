/**
 * Suggestions for existing courses (the courses page's "Suggest categories" bulk action, issue 14): each course is
 * read by the active model and gets one pending suggestion in the review queue (a previous pending one replaced).
 */
import type { Sql } from '../db/client';
import { readCourseTexts, replaceCourseSuggestions } from '../db/category-models';
import { loadCategoriser } from './load';

/**
 * Predicts the courses of `ids` and stores their pending suggestions. Returns how many were stored and the
 * model version (null and 0 when no model is active: there is nothing to suggest with).
 */
export async function suggestForCourses(sql: Sql, ids: number[]): Promise<{ suggested: number; modelVersion: number | null }> {
  const categoriser = await loadCategoriser(sql);
  if (!categoriser) return { suggested: 0, modelVersion: null };
  const rows = [];
  for (const c of await readCourseTexts(sql, ids)) {
    const s = categoriser.suggest(c.text);
    if (s) rows.push({ courseId: c.id, courseKey: c.naturalKey, ...s });
  }
  return { suggested: await replaceCourseSuggestions(sql, rows), modelVersion: categoriser.modelVersion };
}

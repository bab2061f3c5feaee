/**
 * The hand-written evaluation set of issue 14 (`test/fixtures/categorisation/courses.csv`, see its README):
 * read into labelled courses for the benchmark and the tests. Category names become ids 1..n in order of first
 * appearance, so the set needs no database.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import type { LabelledCourse } from './model';
import { projectPath } from '../paths';

export const EVALUATION_SET_PATH = projectPath('test', 'fixtures', 'categorisation', 'courses.csv');

/** One course of the set with its category name and language. */
export interface EvaluationCourse extends LabelledCourse {
  category: string;
  language: 'fr' | 'en';
}

/**
 * Reads the evaluation set (columns category, language, title, description, lessons separated by " | ",
 * tags separated by ";"). Throws when the file is missing or a row has no title or category.
 */
export function readEvaluationSet(path = EVALUATION_SET_PATH): { courses: EvaluationCourse[]; categories: string[] } {
  const rows = parse(readFileSync(path, 'utf8'), { columns: true, skip_empty_lines: true }) as Record<string, string>[];
  const categories: string[] = [];
  const courses = rows.map((r, i) => {
    const category = r['category']?.trim() ?? '';
    const title = r['title']?.trim() ?? '';
    if (!category || !title) throw new Error(`${path}: row ${i + 2} has no category or title`);
    if (!categories.includes(category)) categories.push(category);
    const split = (s: string | undefined, sep: string): string[] =>
      (s ?? '').split(sep).map((x) => x.trim()).filter((x) => x.length > 0);
    return {
      category,
      language: r['language'] === 'en' ? ('en' as const) : ('fr' as const),
      categoryId: categories.indexOf(category) + 1,
      text: {
        title,
        description: r['description']?.trim() || null,
        lessonTitles: split(r['lessons'], '|'),
        tags: split(r['tags'], ';'),
      },
    };
  });
  return { courses, categories };
}

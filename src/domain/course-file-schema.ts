// The course format of an import file (JSON, and YAML, which has the same data model), as a zod schema: the one
// source of the published JSON Schema (public/schemas/course.schema.json, written by src/cli/write-schemas.ts and
// checked by test/unit/course-file-schema.test.ts). It describes what a file may hold, which is wider than a
// normalised course (course-schema.ts): numbers may be written as text ("49,99 €", "1h30"), booleans as
// "oui"/"yes", lists as one delimited string, levels with their French synonyms. The bounds are the same
// constants the normalisation checks, so the two cannot drift apart. Columns that match no field are allowed:
// they are reported as warnings, not errors. `title` is required (the French `titre` works too, but a file that
// declares the schema writes the canonical names).

import { z } from 'zod';
import { DIFFICULTIES, LEARNING_MODES } from './types';
import { DESCRIPTION_MAX, EXTERNAL_ID_MAX, NAME_MAX, TITLE_MAX } from './course-schema';
import { LESSON_CONTENT_MAX, LESSON_TITLE_MAX, MAX_LESSONS, VIDEO_URL_MAX } from './lessons';
import { MAX_TAGS, TAG_MAX_LENGTH } from './tags';
import { DURATION_MAX_HOURS, PRICE_MAX } from './numbers';

const lessonSchema = z.looseObject({
  title: z.string().min(1).max(LESSON_TITLE_MAX).describe('The lesson title (required).'),
  content: z.string().max(LESSON_CONTENT_MAX).nullable().optional().describe('Text of the lesson; HTML is reduced to text.'),
  order: z.union([z.number().int().min(1), z.string()]).optional().describe('1-based position; lessons are sorted by it, then renumbered 1..n.'),
  video_url: z.string().max(VIDEO_URL_MAX).nullable().optional().describe('An http(s) URL.'),
}).meta({ id: 'lesson', description: 'A lesson.' });

export const courseFileCourseSchema = z.looseObject({
  external_id: z.union([z.string().max(EXTERNAL_ID_MAX), z.number()]).nullable().optional()
    .describe('Your identifier: a course with the same external_id is the same course (else: the same title).'),
  title: z.string().min(1).max(TITLE_MAX).describe('Required.'),
  description: z.string().nullable().optional().describe(`Cut to ${DESCRIPTION_MAX} characters, with a warning.`),
  category: z.string().max(NAME_MAX).nullable().optional(),
  instructor: z.string().max(NAME_MAX).nullable().optional(),
  duration: z.union([z.number().min(0).max(DURATION_MAX_HOURS), z.string()]).nullable().optional()
    .describe('Hours: 10, 1.5, or as text: "1,5", "10h", "90 min", "1h30", "1:30".'),
  difficulty: z.union([z.enum(DIFFICULTIES), z.string()]).nullable().optional()
    .describe('beginner, intermediate, advanced or all_levels (French and English synonyms accepted); beginner when missing.'),
  learning_mode: z.union([z.enum(LEARNING_MODES), z.string()]).nullable().optional()
    .describe('text, video, practice or mixed (synonyms accepted); text when missing.'),
  price: z.union([z.number().min(0).max(PRICE_MAX), z.string()]).nullable().optional()
    .describe('Euros: 49.99, or as text: "49,99 €". Required unless is_free is true.'),
  is_free: z.union([z.boolean(), z.string()]).nullable().optional()
    .describe('true when the price is 0; derived from the price when missing. Text: yes/no, oui/non, 1/0.'),
  lessons: z.union([z.array(z.union([z.string(), lessonSchema])).max(MAX_LESSONS), z.string()]).nullable().optional()
    .describe('Lesson titles or lesson objects; or one text "Intro;Variables;Functions".'),
  tags: z.union([z.array(z.string().max(TAG_MAX_LENGTH)).max(MAX_TAGS), z.string()]).nullable().optional()
    .describe('Keywords; or one text "a,b". Lower-cased and completed with generated ones.'),
  is_active: z.union([z.boolean(), z.string()]).nullable().optional()
    .describe('Whether the course is published. Missing: an existing course keeps its own, a new one is active. Text: yes/no, oui/non, 1/0.'),
// An id puts the course (used by both shapes of a file) in $defs once.
}).meta({ id: 'course', description: 'A course. Properties that match no field are ignored with a warning.' });

/** A file: an array of courses, or an object with a `courses` array (other properties ignored, `$schema` included). */
export const courseFileSchema = z.union([
  z.array(courseFileCourseSchema).min(1),
  z.looseObject({
    $schema: z.string().optional().describe('This schema\'s URL, for editors; ignored by the importer.'),
    courses: z.array(courseFileCourseSchema).min(1),
  }),
]).meta({
  title: 'Course catalogue',
  description: 'A course catalogue to import (JSON or YAML): an array of courses, or {"courses": [...]}. See README "The course format".',
});

/**
 * The JSON Schema (draft 2020-12) of an import file, generated from courseFileSchema by zod's z.toJSONSchema
 * (input side: what a file may hold). Deterministic: the same code gives the same text, byte for byte.
 */
export function courseFileJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(courseFileSchema, { target: 'draft-2020-12', io: 'input' }) as Record<string, unknown>;
}

/** The schema file's text as committed (2-space JSON, final newline). */
export function courseFileJsonSchemaText(): string {
  return `${JSON.stringify(courseFileJsonSchema(), null, 2)}\n`;
}

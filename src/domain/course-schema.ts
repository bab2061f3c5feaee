// The final shape of a normalised course: the contract of the lenient parsing. If a row passes the
// hand-written rules, it passes this too. The unit tests hold every normalised course of generated and
// hostile catalogues to it; it is not re-checked per row at run time (about a fifth of the normalisation's cost
// for a check that cannot fail unless the rules have a bug, which the tests are there to catch, and the
// database's constraints still guard the stored values).

import { z } from 'zod';
import { DIFFICULTIES, LEARNING_MODES } from './types';
import { charLength } from './text';
import { isHttpUrl, LESSON_CONTENT_MAX, LESSON_TITLE_MAX, MAX_LESSONS, VIDEO_URL_MAX } from './lessons';
import { MAX_TAGS, TAG_MAX_LENGTH } from './tags';
import { DURATION_MAX_HOURS, PRICE_MAX } from './numbers';

export const TITLE_MAX = 200;
export const DESCRIPTION_MAX = 5_000;
export const NAME_MAX = 100;
export const EXTERNAL_ID_MAX = 200;

// Bounds are in characters (code points), like the rest of the domain, not in UTF-16 units as .max() is.
const text = (max: number) => z.string().refine((s) => charLength(s) <= max, { message: `at most ${max} characters` });
const nonEmptyText = (max: number) => text(max).refine((s) => s.trim() !== '', { message: 'must not be empty' });

export const normalizedLessonSchema = z.strictObject({
  title: nonEmptyText(LESSON_TITLE_MAX),
  content: text(LESSON_CONTENT_MAX).nullable(),
  order: z.number().int().min(1),
  video_url: text(VIDEO_URL_MAX).refine(isHttpUrl, { message: 'must be an http(s) URL' }).nullable(),
});

export const normalizedCourseSchema = z
  .strictObject({
    external_id: nonEmptyText(EXTERNAL_ID_MAX).nullable(),
    title: nonEmptyText(TITLE_MAX),
    description: text(DESCRIPTION_MAX),
    category: nonEmptyText(NAME_MAX).nullable(),
    instructor: nonEmptyText(NAME_MAX).nullable(),
    duration_hours: z.number().min(0).max(DURATION_MAX_HOURS).nullable(),
    difficulty: z.enum(DIFFICULTIES),
    learning_mode: z.enum(LEARNING_MODES),
    price: z.number().min(0).max(PRICE_MAX),
    is_free: z.boolean(),
    lessons: z.array(normalizedLessonSchema).max(MAX_LESSONS),
    tags: z.array(nonEmptyText(TAG_MAX_LENGTH)).max(MAX_TAGS),
    quality_score: z.number().int().min(0).max(100),
    natural_key: z.string().regex(/^(ext|title):./s, { message: 'must start with ext: or title:' }),
    is_active: z.boolean().optional(),
  })
  .refine((c) => c.is_free === (c.price === 0), { message: 'is_free must be true exactly when price is 0', path: ['is_free'] })
  .refine((c) => c.lessons.every((l, i) => l.order === i + 1), { message: 'lesson orders must be 1..n', path: ['lessons'] });

// One raw row (CSV record, JSON object or sheet row) → a NormalizedCourse, or every problem of the row.
// The rules of each field live in their own module; this file only wires them and decides how price and
// is_free agree:
//   is_free true  + price > 0        → error (on is_free)
//   is_free false + price 0          → error (on is_free): a paid course needs a price
//   is_free missing                  → derived from the price (0 → free)
//   price missing + is_free true     → price 0
//   price missing + is_free false    → error (on price)
//   price missing + is_free missing  → error (on price): a course is never published as free by accident
//
// Text bounds: title required, ≤ 200 characters (longer is an error, not a cut: a title that long is
// usually a description in the wrong column); description optional, cut to 5 000 characters with a
// warning; category and instructor ≤ 100 (error); external_id ≤ 200 (error).

import type { NormalizedCourse, NormalizeResult, RowError } from './types';
import { FIELD_COUNT_KEY, NOT_AN_OBJECT_KEY, type FieldCountMark } from './source-marks';
import { pickFields, type CourseField } from './fields';
import { charLength, cleanLine, cleanMultiline, stripControlChars, truncateChars } from './text';
import { readText, show, type Parsed } from './values';
import { parseBoolean } from './booleans';
import { parseDurationHours, parsePrice } from './numbers';
import { DEFAULT_DIFFICULTY, DEFAULT_LEARNING_MODE, parseDifficulty, parseLearningMode } from './enums';
import { normalizeLessons } from './lessons';
import { buildTags, parseUserTags } from './tags';
import { qualityScore } from './quality';
import { naturalKey } from './identity';
import { DESCRIPTION_MAX, EXTERNAL_ID_MAX, NAME_MAX, normalizedCourseSchema, TITLE_MAX } from './course-schema';

function isFieldCountMark(v: unknown): v is FieldCountMark {
  return typeof v === 'object' && v !== null && typeof (v as FieldCountMark).expected === 'number'
    && typeof (v as FieldCountMark).actual === 'number';
}

export function normalizeCourse(raw: Record<string, unknown>): NormalizeResult {
  const errors: RowError[] = [];
  const warnings: RowError[] = [];

  if (raw[NOT_AN_OBJECT_KEY] !== undefined) {
    return { ok: false, errors: [{ field: '*', message: `this element is ${String(raw[NOT_AN_OBJECT_KEY])}, not a course object ({"title": …})` }] };
  }
  const mark = raw[FIELD_COUNT_KEY];
  if (isFieldCountMark(mark)) {
    if (mark.actual > mark.expected) {
      errors.push({
        field: '*',
        message: `this line has ${mark.actual} values but the header has ${mark.expected} columns; a value that contains the delimiter must be put in double quotes`,
      });
    } else if (mark.actual < mark.expected) {
      warnings.push({
        field: '*',
        message: `this line has ${mark.actual} values but the header has ${mark.expected} columns; the missing ones were read as empty`,
      });
    }
  }

  const picked = pickFields(raw);
  const label = (field: CourseField): string => {
    const column = picked.get(field)?.column.trim();
    return column !== undefined && column !== field ? `${field} (column '${column}')` : field;
  };
  const value = (field: CourseField): unknown => picked.get(field)?.value;
  const problem = (list: RowError[], field: CourseField, message: string) =>
    list.push({ field, message: `${label(field)}: ${message}` });
  function take<T>(field: CourseField, parsed: Parsed<T>): T | undefined {
    if (parsed.ok) return parsed.value;
    problem(errors, field, parsed.message);
    return undefined;
  }

  // Title
  const titleRaw = take('title', readText(value('title')));
  const title = cleanLine(titleRaw ?? '');
  if (title === '' && titleRaw !== undefined && titleRaw.trim() !== '') {
    problem(errors, 'title', `${show(titleRaw)} has no text left once HTML and control characters are removed`);
  } else if (title === '' && !errors.some((e) => e.field === 'title')) {
    problem(errors, 'title', 'missing; every course needs a title');
  } else if (charLength(title) > TITLE_MAX) {
    problem(errors, 'title', `${charLength(title)} characters; at most ${TITLE_MAX}`);
  }

  // Description
  let description = cleanMultiline(take('description', readText(value('description'))) ?? '');
  if (charLength(description) > DESCRIPTION_MAX) {
    problem(warnings, 'description', `${charLength(description)} characters, cut to ${DESCRIPTION_MAX}`);
    description = truncateChars(description, DESCRIPTION_MAX);
  }

  // Category, instructor
  const name = (field: 'category' | 'instructor'): string | null => {
    const cleaned = cleanLine(take(field, readText(value(field))) ?? '');
    if (charLength(cleaned) > NAME_MAX) problem(errors, field, `${charLength(cleaned)} characters; at most ${NAME_MAX}`);
    return cleaned === '' ? null : cleaned;
  };
  const category = name('category');
  const instructor = name('instructor');

  // External id: kept as given apart from trimming, since it is someone else's identifier.
  const externalRaw = take('external_id', readText(value('external_id')));
  const externalId = externalRaw === undefined ? null : stripControlChars(externalRaw).trim() || null;
  if (externalId !== null && charLength(externalId) > EXTERNAL_ID_MAX) {
    problem(errors, 'external_id', `${charLength(externalId)} characters; at most ${EXTERNAL_ID_MAX}`);
  }

  const duration = take('duration', parseDurationHours(value('duration')));
  const difficulty = take('difficulty', parseDifficulty(value('difficulty'))) ?? DEFAULT_DIFFICULTY;
  const learningMode = take('learning_mode', parseLearningMode(value('learning_mode'))) ?? DEFAULT_LEARNING_MODE;

  // Price and is_free
  const priceParsed = parsePrice(value('price'));
  const freeParsed = parseBoolean(value('is_free'));
  const priceIn = take('price', priceParsed);
  const freeIn = take('is_free', freeParsed);
  let price = 0;
  let isFree = false;
  if (priceParsed.ok && freeParsed.ok) {
    if (priceIn === undefined) {
      if (freeIn === true) {
        isFree = true;
      } else if (freeIn === false) {
        problem(errors, 'price', 'missing; a course that is not free needs a price');
      } else {
        problem(errors, 'price', 'missing; give a price (0 for a free course) or set is_free to true');
      }
    } else {
      price = priceIn;
      if (freeIn === true && priceIn > 0) {
        problem(errors, 'is_free', `is true but the price is ${priceIn}; a free course has price 0 (or leave the price empty)`);
      } else if (freeIn === false && priceIn === 0) {
        problem(errors, 'is_free', 'is false but the price is 0; give the price of the course, or set is_free to true');
      }
      isFree = priceIn === 0;
    }
  }

  const lessons = normalizeLessons(value('lessons'));
  errors.push(...lessons.errors);
  warnings.push(...lessons.warnings);
  const userTags = parseUserTags(value('tags'));
  errors.push(...userTags.errors);
  warnings.push(...userTags.warnings);

  if (errors.length > 0) return { ok: false, errors };

  const course: NormalizedCourse = {
    external_id: externalId,
    title,
    description,
    category,
    instructor,
    duration_hours: duration ?? null,
    difficulty,
    learning_mode: learningMode,
    price,
    is_free: isFree,
    lessons: lessons.lessons,
    tags: buildTags(userTags.tags, { title, category, difficulty }),
    quality_score: qualityScore({
      description,
      lessons: lessons.lessons,
      instructor,
      category,
      duration_hours: duration ?? null,
      userTagCount: userTags.tags.length,
    }),
    natural_key: naturalKey(externalId, title),
  };

  const checked = normalizedCourseSchema.safeParse(course);
  if (!checked.success) {
    return {
      ok: false,
      errors: checked.error.issues.map((issue) => {
        const path = issue.path.map(String).join('.') || '*';
        return { field: path, message: `${path}: ${issue.message}` };
      }),
    };
  }
  return { ok: true, course, warnings };
}

// The activities import the whole row pipeline from here.
export { changedFields, courseContentHash, type FieldChange, type StoredCourseLike } from './content-hash';

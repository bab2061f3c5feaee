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
import { pickFields, type CourseField, type PickedField } from './fields';
import { charLength, cleaningProblem, cleanLine, cleanMultiline, stripControlChars, truncateChars, type CleaningCounts } from './text';
import { readText, show, type Parsed } from './values';
import { problem, type Problem } from './row-codes';
import { parseBoolean } from './booleans';
import { parseDurationHours, parsePrice } from './numbers';
import { DEFAULT_DIFFICULTY, DEFAULT_LEARNING_MODE, parseDifficulty, parseLearningMode } from './enums';
import { normalizeLessons } from './lessons';
import { buildTags, parseUserTags } from './tags';
import { qualityScore } from './quality';
import { naturalKey } from './identity';
import { DESCRIPTION_MAX, EXTERNAL_ID_MAX, NAME_MAX, TITLE_MAX } from './course-schema';

/** The kind key of source-marks' describeJsonValue phrase ("a string" → 'string', "an array" → 'array'). */
function jsonKindKey(phrase: string): string {
  return phrase.replace(/^an? /, '');
}

function isFieldCountMark(v: unknown): v is FieldCountMark {
  return typeof v === 'object' && v !== null && typeof (v as FieldCountMark).expected === 'number'
    && typeof (v as FieldCountMark).actual === 'number';
}

/** The row's fields and the problems found so far: what the helpers below report into. */
interface RowProblems {
  picked: Map<CourseField, PickedField>;
  errors: RowError[];
  warnings: RowError[];
}

// Module-level rather than closures inside normalizeCourse: they run for every row of every import.
/** The column a field was read from, when its name differs from the field's ("Niveau" for difficulty). */
function columnOf(row: RowProblems, field: CourseField): string | undefined {
  const column = row.picked.get(field)?.column.trim();
  return column !== undefined && column !== field ? column : undefined;
}

/**
 * A problem on a field: the English message prefixed with the field (and the column when it differs:
 * "difficulty (column 'Niveau'): …"), the column kept as the `column` parameter so a translation names it too.
 */
function report(row: RowProblems, list: RowError[], field: CourseField, p: Problem): void {
  const column = columnOf(row, field);
  const label = column === undefined ? field : `${field} (column '${column}')`;
  list.push({ field, message: `${label}: ${p.message}`, code: p.code, params: column === undefined ? p.params : { ...p.params, column } });
}

function taken<T>(row: RowProblems, field: CourseField, parsed: Parsed<T>): T | undefined {
  if (parsed.ok) {
    if (parsed.note !== undefined) report(row, row.warnings, field, parsed.note);
    return parsed.value;
  }
  report(row, row.errors, field, parsed);
  return undefined;
}

/** "N characters; at most M": a text over its bound. */
function tooLong(length: number, max: number): Problem {
  return problem('too_long', { length, max }, `${length} characters; at most ${max}`);
}

// One counter for every text field of every row, reset before each use: no allocation on the hot path.
const cleaning: CleaningCounts = { tags: 0, entities: 0 };

/** cleanLine / cleanMultiline of a field's text; HTML tags removed and entities decoded become a warning. */
function cleaned(row: RowProblems, field: CourseField, text: string, multiline = false): string {
  cleaning.tags = 0;
  cleaning.entities = 0;
  const out = multiline ? cleanMultiline(text, cleaning) : cleanLine(text, cleaning);
  const p = cleaningProblem(cleaning);
  if (p !== undefined) report(row, row.warnings, field, p);
  return out;
}

function fieldValue(row: RowProblems, field: CourseField): unknown {
  return row.picked.get(field)?.value;
}

function readName(row: RowProblems, field: 'category' | 'instructor'): string | null {
  const name = cleaned(row, field, taken(row, field, readText(fieldValue(row, field))) ?? '');
  if (charLength(name) > NAME_MAX) report(row, row.errors, field, tooLong(charLength(name), NAME_MAX));
  return name === '' ? null : name;
}

export function normalizeCourse(raw: Record<string, unknown>): NormalizeResult {
  const errors: RowError[] = [];
  const warnings: RowError[] = [];

  if (raw[NOT_AN_OBJECT_KEY] !== undefined) {
    const kind = String(raw[NOT_AN_OBJECT_KEY]);
    return { ok: false, errors: [{ field: '*', code: 'not_an_object', params: { kind: jsonKindKey(kind) }, message: `this element is ${kind}, not a course object ({"title": …})` }] };
  }
  const mark = raw[FIELD_COUNT_KEY];
  if (isFieldCountMark(mark)) {
    if (mark.actual > mark.expected) {
      errors.push({
        field: '*',
        code: 'too_many_values',
        params: { actual: mark.actual, expected: mark.expected },
        message: `this line has ${mark.actual} values but the header has ${mark.expected} columns; a value that contains the delimiter must be put in double quotes`,
      });
    } else if (mark.actual < mark.expected) {
      warnings.push({
        field: '*',
        code: 'too_few_values',
        params: { actual: mark.actual, expected: mark.expected },
        message: `this line has ${mark.actual} values but the header has ${mark.expected} columns; the missing ones were read as empty`,
      });
    }
  }

  const row: RowProblems = { picked: pickFields(raw), errors, warnings };
  // Title
  const titleRaw = taken(row, 'title', readText(fieldValue(row, 'title')));
  const title = cleaned(row, 'title', titleRaw ?? '');
  if (title === '' && titleRaw !== undefined && titleRaw.trim() !== '') {
    report(row, errors, 'title', problem('title_no_text', { value: show(titleRaw) }, `${show(titleRaw)} has no text left once HTML and control characters are removed`));
  } else if (title === '' && !errors.some((e) => e.field === 'title')) {
    report(row, errors, 'title', problem('title_missing', {}, 'missing; every course needs a title'));
  } else if (charLength(title) > TITLE_MAX) {
    report(row, errors, 'title', tooLong(charLength(title), TITLE_MAX));
  }

  // Description
  let description = cleaned(row, 'description', taken(row, 'description', readText(fieldValue(row, 'description'))) ?? '', true);
  if (charLength(description) > DESCRIPTION_MAX) {
    report(row, warnings, 'description', problem('text_cut', { length: charLength(description), max: DESCRIPTION_MAX }, `${charLength(description)} characters, cut to ${DESCRIPTION_MAX}`));
    description = truncateChars(description, DESCRIPTION_MAX);
  }

  const category = readName(row, 'category');
  const instructor = readName(row, 'instructor');

  // External id: kept as given apart from trimming, since it is someone else's identifier.
  const externalRaw = taken(row, 'external_id', readText(fieldValue(row, 'external_id')));
  const externalId = externalRaw === undefined ? null : stripControlChars(externalRaw).trim() || null;
  if (externalId !== null && charLength(externalId) > EXTERNAL_ID_MAX) {
    report(row, errors, 'external_id', tooLong(charLength(externalId), EXTERNAL_ID_MAX));
  }

  const duration = taken(row, 'duration', parseDurationHours(fieldValue(row, 'duration')));
  const difficulty = taken(row, 'difficulty', parseDifficulty(fieldValue(row, 'difficulty'))) ?? DEFAULT_DIFFICULTY;
  const learningMode = taken(row, 'learning_mode', parseLearningMode(fieldValue(row, 'learning_mode'))) ?? DEFAULT_LEARNING_MODE;

  // Price and is_free
  const priceParsed = parsePrice(fieldValue(row, 'price'));
  const freeParsed = parseBoolean(fieldValue(row, 'is_free'));
  const priceIn = taken(row, 'price', priceParsed);
  const freeIn = taken(row, 'is_free', freeParsed);
  let price = 0;
  let isFree = false;
  if (priceParsed.ok && freeParsed.ok) {
    if (priceIn === undefined) {
      if (freeIn === true) {
        isFree = true;
      } else if (freeIn === false) {
        report(row, errors, 'price', problem('price_missing_not_free', {}, 'missing; a course that is not free needs a price'));
      } else {
        report(row, errors, 'price', problem('price_missing', {}, 'missing; give a price (0 for a free course) or set is_free to true'));
      }
    } else {
      price = priceIn;
      if (freeIn === true && priceIn > 0) {
        report(row, errors, 'is_free', problem('free_with_price', { price: priceIn }, `is true but the price is ${priceIn}; a free course has price 0 (or leave the price empty)`));
      } else if (freeIn === false && priceIn === 0) {
        report(row, errors, 'is_free', problem('not_free_zero_price', {}, 'is false but the price is 0; give the price of the course, or set is_free to true'));
      }
      isFree = priceIn === 0;
    }
  }

  // Published or not: only when the file says (an export does); a file without it changes no course's status.
  const isActive = taken(row, 'is_active', parseBoolean(fieldValue(row, 'is_active')));

  const lessons = normalizeLessons(fieldValue(row, 'lessons'));
  errors.push(...lessons.errors);
  warnings.push(...lessons.warnings);
  const userTags = parseUserTags(fieldValue(row, 'tags'));
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
  if (isActive !== undefined) course.is_active = isActive;

  return { ok: true, course, warnings };
}

// The activities import the whole row pipeline from here.
export { changedFields, courseContentHash, courseJsonAndHash, type FieldChange, type StoredCourseLike } from './content-hash';

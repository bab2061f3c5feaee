// Lessons come as a CSV cell ("Intro;Variables;Functions", also split on "|" and line breaks, or a JSON
// array written into the cell) or as a JSON array of titles or lesson objects {title, content, order,
// video_url}. Positions in messages are 1-based, as a person counts: lessons[2] is the second lesson of
// the source list.
//
// Order of operations: parse each item (untitled lessons are dropped) → sort by `order` (stable; lessons
// without an order keep their relative position, after the ordered ones) → drop duplicates by folded title
// (folded as for the natural key, see identity.ts; the first wins) → check the count → renumber 1..n.

import type { NormalizedLesson, RowError } from './types';
import { isCellError, unwrapCellValue } from './cell-value';
import { foldColumnName } from './fields';
import { foldTitle } from './identity';
import { charLength, cleanLine, cleanMultiline, stripControlChars, truncateChars } from './text';
import { kindKey, kindOf, readText, show } from './values';

export const MAX_LESSONS = 500;
export const LESSON_TITLE_MAX = 200;
export const LESSON_CONTENT_MAX = 20_000;
export const VIDEO_URL_MAX = 2_000;

const LESSON_KEYS: Readonly<Record<string, 'title' | 'content' | 'order' | 'video_url'>> = {
  title: 'title', titre: 'title', name: 'title', nom: 'title',
  content: 'content', contenu: 'content', description: 'content', text: 'content', texte: 'content',
  order: 'order', ordre: 'order', position: 'order',
  video_url: 'video_url', video: 'video_url', url: 'video_url', url_video: 'video_url', videourl: 'video_url',
};

export interface LessonsResult {
  lessons: NormalizedLesson[];
  errors: RowError[];
  warnings: RowError[];
}

interface DraftLesson {
  source: number;
  title: string;
  content: string | null;
  order: number | null;
  video_url: string | null;
}

function splitLessonText(text: string): unknown[] {
  const trimmed = text.trim();
  if (trimmed.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(trimmed);
      if (Array.isArray(parsed)) return parsed;
    } catch {
      // Not JSON: a title that happens to start with "[" — read it as plain text below.
    }
  }
  return trimmed.split(/[;|\r\n]+/);
}

export function isHttpUrl(s: string): boolean {
  if (/\s/.test(s)) return false;
  try {
    const url = new URL(s);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

function parseItem(item: unknown, position: number, errors: RowError[], warnings: RowError[]): DraftLesson | undefined {
  const at = `lessons[${position}]`;
  const v = unwrapCellValue(item);
  const fields: Partial<Record<'title' | 'content' | 'order' | 'video_url', unknown>> = {};
  if (typeof v === 'string' || typeof v === 'number') {
    fields.title = v;
  } else if (typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date) && !isCellError(v)) {
    for (const [key, value] of Object.entries(v)) {
      const target = LESSON_KEYS[foldColumnName(key)];
      if (target && fields[target] === undefined) fields[target] = value;
    }
  } else if (v === null || v === undefined) {
    return undefined;
  } else {
    errors.push({ field: at, code: 'lesson_invalid', params: { kind: kindKey(v) }, message: `${at}: expected a lesson title or a lesson object but got ${kindOf(v)}` });
    return undefined;
  }

  let ok = true;
  const titleText = readText(fields.title);
  let title = '';
  if (!titleText.ok) {
    errors.push({ field: `${at}.title`, code: titleText.code, params: titleText.params, message: `${at}.title: ${titleText.message}` });
    ok = false;
  } else {
    title = cleanLine(titleText.value ?? '');
    if (charLength(title) > LESSON_TITLE_MAX) {
      errors.push({ field: `${at}.title`, code: 'too_long', params: { length: charLength(title), max: LESSON_TITLE_MAX }, message: `${at}.title: ${charLength(title)} characters; at most ${LESSON_TITLE_MAX}` });
      ok = false;
    }
  }

  let content: string | null = null;
  const contentText = readText(fields.content);
  if (!contentText.ok) {
    errors.push({ field: `${at}.content`, code: contentText.code, params: contentText.params, message: `${at}.content: ${contentText.message}` });
    ok = false;
  } else if (contentText.value !== undefined) {
    const cleaned = cleanMultiline(contentText.value);
    if (charLength(cleaned) > LESSON_CONTENT_MAX) {
      warnings.push({ field: `${at}.content`, code: 'text_cut', params: { length: charLength(cleaned), max: LESSON_CONTENT_MAX }, message: `${at}.content: ${charLength(cleaned)} characters, cut to ${LESSON_CONTENT_MAX}` });
      content = truncateChars(cleaned, LESSON_CONTENT_MAX);
    } else {
      content = cleaned === '' ? null : cleaned;
    }
  }

  let order: number | null = null;
  const rawOrder = unwrapCellValue(fields.order);
  if (rawOrder !== undefined && rawOrder !== null && !(typeof rawOrder === 'string' && rawOrder.trim() === '')) {
    const n = typeof rawOrder === 'number' ? rawOrder : typeof rawOrder === 'string' ? Number(rawOrder.trim().replace(',', '.')) : NaN;
    if (Number.isFinite(n)) order = n;
    else {
      errors.push({ field: `${at}.order`, code: 'lesson_order_not_number', params: { value: show(rawOrder) }, message: `${at}.order: ${show(rawOrder)} is not a number` });
      ok = false;
    }
  }

  let video_url: string | null = null;
  const urlText = readText(fields.video_url);
  if (!urlText.ok) {
    errors.push({ field: `${at}.video_url`, code: urlText.code, params: urlText.params, message: `${at}.video_url: ${urlText.message}` });
    ok = false;
  } else if (urlText.value !== undefined) {
    const url = stripControlChars(urlText.value).trim();
    if (url !== '') {
      if (!isHttpUrl(url)) {
        errors.push({ field: `${at}.video_url`, code: 'video_url_invalid', params: { value: show(url) }, message: `${at}.video_url: ${show(url)} is not an http(s) URL` });
        ok = false;
      } else if (url.length > VIDEO_URL_MAX) {
        errors.push({ field: `${at}.video_url`, code: 'too_long', params: { length: url.length, max: VIDEO_URL_MAX }, message: `${at}.video_url: ${url.length} characters; at most ${VIDEO_URL_MAX}` });
        ok = false;
      } else {
        video_url = url;
      }
    }
  }

  if (!ok) return undefined;
  if (title === '') {
    if (content !== null || video_url !== null) {
      // Named after the lesson (the prefix), while the field stays its title (the value's path).
      warnings.push({ field: `${at}.title`, code: 'lesson_untitled_dropped', params: { subject: at }, message: `${at}: a lesson without a title was dropped` });
    }
    return undefined;
  }
  return { source: position, title, content, order, video_url };
}

export function normalizeLessons(raw: unknown): LessonsResult {
  const errors: RowError[] = [];
  const warnings: RowError[] = [];
  const v = unwrapCellValue(raw);
  let items: unknown[];
  if (v === undefined || v === null) items = [];
  else if (isCellError(v)) {
    return { lessons: [], errors: [{ field: 'lessons', code: 'cell_error', params: { error: v.error }, message: `lessons: the cell holds a spreadsheet error (${v.error})` }], warnings };
  } else if (typeof v === 'string') items = splitLessonText(v);
  else if (Array.isArray(v)) items = v;
  else {
    return {
      lessons: [],
      errors: [{ field: 'lessons', code: 'expected_lessons', params: { kind: kindKey(v) }, message: `lessons: expected a list of lessons ("Intro;Variables" or an array) but got ${kindOf(v)}` }],
      warnings,
    };
  }

  const drafts: DraftLesson[] = [];
  items.forEach((item, i) => {
    const lesson = parseItem(item, i + 1, errors, warnings);
    if (lesson) drafts.push(lesson);
  });

  // Array.prototype.sort is stable, so equal or missing orders keep their source order. Lessons given as
  // titles have no order at all: nothing to sort (and sort copies the array).
  if (drafts.some((d) => d.order !== null)) drafts.sort((a, b) => {
    if (a.order === null || b.order === null) return a.order === null ? (b.order === null ? 0 : 1) : -1;
    return a.order - b.order;
  });

  const seen = new Set<string>();
  const unique: DraftLesson[] = [];
  for (const d of drafts) {
    const key = foldTitle(d.title);
    if (seen.has(key)) {
      warnings.push({ field: `lessons[${d.source}]`, code: 'lesson_duplicate', params: { title: show(d.title) }, message: `lessons[${d.source}]: duplicate lesson ${show(d.title)} was dropped` });
      continue;
    }
    seen.add(key);
    unique.push(d);
  }

  if (unique.length > MAX_LESSONS) {
    errors.push({ field: 'lessons', code: 'too_many_lessons', params: { lessons: unique.length, max: MAX_LESSONS }, message: `lessons: ${unique.length} lessons; at most ${MAX_LESSONS} per course` });
  }
  const lessons = unique.map((d, i) => ({ title: d.title, content: d.content, order: i + 1, video_url: d.video_url }));
  return { lessons: errors.length > 0 ? [] : lessons, errors, warnings };
}

// Tags = the user's tags first, then generated ones, de-duplicated, at most 30 in all.
//
// User tags: a CSV cell "python, django" (split on "," or ";") or a JSON array. Each tag is cleaned like
// a title, lower-cased, a leading "#" dropped; empty tags are dropped; a tag over 50 characters is a row
// error (it is usually a whole sentence in the wrong column). Beyond 30 user tags, the rest are dropped
// with a warning.
//
// Generated tags, in this order, while there is room: the category slugified ("Web Development" →
// "web-development"), the difficulty ("beginner"…), and up to 3 keywords of the title: its words
// lower-cased (accents kept), of at least 3 letters, that are not French or English stop words or generic
// course words ("cours", "introduction"…), in title order.
//
// Duplicates are found on the accent-folded form ("débutant" = "debutant"); the first spelling wins.

import type { Difficulty, RowError } from './types';
import { isCellError, unwrapCellValue } from './cell-value';
import { charLength, cleanLine, foldAccents, isAscii } from './text';
import { kindKey, kindOf, readText, show } from './values';

export const MAX_TAGS = 30;
export const TAG_MAX_LENGTH = 50;
export const MAX_TITLE_KEYWORDS = 3;

// Folded (no accents). Kept short on purpose: the aim is to skip filler, not to do linguistics.
const STOP_WORDS = new Set([
  // English
  'a', 'an', 'and', 'are', 'as', 'at', 'be', 'by', 'for', 'from', 'how', 'in', 'into', 'is', 'it', 'its', 'of',
  'on', 'or', 'the', 'this', 'that', 'to', 'with', 'without', 'your', 'you', 'our', 'all', 'about', 'using',
  'what', 'why', 'when', 'who', 'more', 'most', 'new', 'via', 'vs', 'can', 'will', 'get', 'make',
  // French
  'au', 'aux', 'avec', 'ce', 'ces', 'cet', 'cette', 'dans', 'de', 'des', 'du', 'en', 'et', 'la', 'le', 'les',
  'leur', 'leurs', 'mais', 'ou', 'par', 'pas', 'plus', 'pour', 'que', 'qui', 'quoi', 'sans', 'ses', 'son',
  'sur', 'un', 'une', 'vos', 'votre', 'nos', 'notre', 'tout', 'tous', 'toute', 'toutes', 'comment', 'est',
  'sont', 'entre', 'chez', 'vers', 'tres', 'bien', 'faire', 'etre', 'avoir',
  // generic course words, true of every course
  'cours', 'course', 'courses', 'formation', 'formations', 'introduction', 'intro', 'tutorial', 'tutoriel',
  'guide', 'lesson', 'lessons', 'lecon', 'lecons', 'module', 'modules', 'complete', 'complet', 'partie', 'part',
]);

export interface UserTagsResult {
  tags: string[];
  errors: RowError[];
  warnings: RowError[];
}

export function cleanTag(s: string): string {
  return cleanLine(s).toLowerCase().replace(/^#+\s*/, '').trim();
}

function splitTagText(text: string): unknown[] {
  const trimmed = text.trim();
  if (trimmed.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(trimmed);
      if (Array.isArray(parsed)) return parsed;
    } catch {
      // Not JSON: split it like any other cell.
    }
  }
  return trimmed.split(/[,;]/);
}

/** De-duplicates on the accent-folded form, keeping the first spelling and the order. */
export function dedupeTags(tags: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const tag of tags) {
    const key = foldAccents(tag);
    if (tag === '' || seen.has(key)) continue;
    seen.add(key);
    out.push(tag);
  }
  return out;
}

export function parseUserTags(raw: unknown): UserTagsResult {
  const errors: RowError[] = [];
  const warnings: RowError[] = [];
  const v = unwrapCellValue(raw);
  let items: unknown[];
  if (v === undefined || v === null) items = [];
  else if (isCellError(v)) return { tags: [], errors: [{ field: 'tags', code: 'cell_error', params: { error: v.error }, message: `tags: the cell holds a spreadsheet error (${v.error})` }], warnings };
  else if (typeof v === 'string') items = splitTagText(v);
  else if (Array.isArray(v)) items = v;
  else return { tags: [], errors: [{ field: 'tags', code: 'expected_tags', params: { kind: kindKey(v) }, message: `tags: expected a list of tags ("python, web" or an array) but got ${kindOf(v)}` }], warnings };

  const cleaned: string[] = [];
  for (const item of items) {
    const text = readText(item);
    if (!text.ok || (typeof item === 'object' && item !== null)) {
      errors.push({ field: 'tags', code: 'tag_invalid', params: { kind: kindKey(item) }, message: `tags: each tag must be a word or short phrase; got ${kindOf(item)}` });
      continue;
    }
    const tag = cleanTag(text.value ?? '');
    if (charLength(tag) > TAG_MAX_LENGTH) {
      errors.push({ field: 'tags', code: 'tag_too_long', params: { value: show(tag), length: charLength(tag), max: TAG_MAX_LENGTH }, message: `tags: ${show(tag)} is ${charLength(tag)} characters long; a tag has at most ${TAG_MAX_LENGTH}` });
      continue;
    }
    cleaned.push(tag);
  }
  let tags = dedupeTags(cleaned);
  if (tags.length > MAX_TAGS) {
    warnings.push({ field: 'tags', code: 'too_many_tags', params: { tags: tags.length, max: MAX_TAGS }, message: `tags: ${tags.length} tags; only the first ${MAX_TAGS} were kept` });
    tags = tags.slice(0, MAX_TAGS);
  }
  return { tags, errors, warnings };
}

/** "Développement Web" → "développement-web": lower-case, accents kept, other characters become "-". */
export function slugify(s: string): string {
  return cleanLine(s)
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '');
}

const LETTER_RE = /\p{L}/gu;

function letterCount(word: string): number {
  if (isAscii(word)) {
    let n = 0;
    for (let i = 0; i < word.length; i++) {
      const c = word.charCodeAt(i) | 0x20; // lower-cases A-Z; other characters never land in a-z
      if (c >= 0x61 && c <= 0x7a) n++;
    }
    return n;
  }
  return word.match(LETTER_RE)?.length ?? 0;
}

export function titleKeywords(title: string, max = MAX_TITLE_KEYWORDS): string[] {
  const words = cleanLine(title).toLowerCase().split(/[^\p{L}\p{N}]+/u);
  const out: string[] = [];
  for (const word of words) {
    if (word.length < 3 || letterCount(word) < 3 || STOP_WORDS.has(foldAccents(word))) continue;
    out.push(word);
  }
  return dedupeTags(out).slice(0, max);
}

export interface GeneratedTagSources {
  title: string;
  category: string | null;
  difficulty: Difficulty;
}

export function generatedTags({ title, category, difficulty }: GeneratedTagSources): string[] {
  const tags: string[] = [];
  if (category) tags.push(slugify(category));
  tags.push(difficulty);
  tags.push(...titleKeywords(title));
  // A long category can slugify past the tag limit; cut it on a character boundary.
  return tags
    .map((t) => (t.length <= TAG_MAX_LENGTH ? t : Array.from(t).slice(0, TAG_MAX_LENGTH).join('').replace(/-+$/, '')))
    .filter((t) => t !== '');
}

export function buildTags(userTags: readonly string[], sources: GeneratedTagSources): string[] {
  return dedupeTags([...userTags, ...generatedTags(sources)]).slice(0, MAX_TAGS);
}

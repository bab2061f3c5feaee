// Text cleaning shared by every free-text field. The output is always plain text (never HTML):
// whoever renders it must escape it. Lengths are counted in characters (code points), not UTF-16 units,
// so an emoji counts as one and a cut never splits a surrogate pair.

import { decodeHTMLStrict } from 'entities';
import { problem, type Problem } from './row-codes';

// HTML in text from web and CMS exports (WordPress, Moodle, Drupal… export descriptions as HTML): tags are
// removed and character references decoded, and the cleaning functions can count both so that the row says
// what was changed.
//
// Only real HTML element names are treated as tags, so that course titles like "List<String>" or
// "vector<int>" survive: a generic `<[a-z]…>` pattern would eat them. A name that is also a type name
// ("Array<Object>", "Optional<Label>") is text when it is glued to a word or capitalised, has no attributes
// and is never closed; `<br>`, `<hr>`, `<img>` and `<wbr>` are tags wherever they are.
const HTML_ELEMENTS = [
  'a', 'abbr', 'address', 'article', 'aside', 'audio', 'b', 'big', 'blockquote', 'body', 'br', 'button',
  'caption', 'center', 'cite', 'code', 'col', 'colgroup', 'dd', 'del', 'details', 'dfn', 'div', 'dl', 'dt',
  'em', 'embed', 'figcaption', 'figure', 'font', 'footer', 'form', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'head',
  'header', 'hr', 'html', 'i', 'iframe', 'img', 'input', 'ins', 'kbd', 'label', 'li', 'link', 'main', 'mark',
  'meta', 'nav', 'object', 'ol', 'option', 'p', 'pre', 'q', 's', 'samp', 'script', 'section', 'select',
  'small', 'source', 'span', 'strike', 'strong', 'style', 'sub', 'summary', 'sup', 'svg', 'table', 'tbody',
  'td', 'textarea', 'tfoot', 'th', 'thead', 'title', 'tr', 'tt', 'u', 'ul', 'var', 'video', 'wbr',
];
// Elements after which text continues on a new line (so paragraphs don't glue together).
const BLOCK_ELEMENTS = new Set([
  'address', 'article', 'aside', 'blockquote', 'br', 'dd', 'details', 'div', 'dl', 'dt', 'figcaption', 'figure',
  'footer', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hr', 'li', 'main', 'nav', 'ol', 'p', 'pre',
  'section', 'summary', 'table', 'tbody', 'td', 'tfoot', 'th', 'thead', 'tr', 'ul',
]);
const ALWAYS_TAGS = new Set(['br', 'hr', 'img', 'wbr']);
const TAG_RE = new RegExp(`<(\\/?)(${HTML_ELEMENTS.join('|')})(?=[\\s/>])([^>]*)>`, 'gi');
// Their content is code, not text: drop it with the tags.
const DROPPED_CONTENT_RE = /<(script|style|iframe|object|svg)\b[^>]*>[\s\S]*?<\/\1\s*>/gi;
const COMMENT_RE = /<!--[\s\S]*?(?:-->|$)/g;
// A character reference as HTML5 defines them, with its semicolon: named (2125 names, the longest 31
// characters), decimal or hexadecimal. Without a semicolon nothing is decoded: "R&D", "AT&T", "Q&A" and
// "Meeting&notes" (HTML5's legacy "&not" would make it "Meeting¬es") stay as written.
const ENTITY_RE = /&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});/g;

/** What cleaning changed in a text: tags (and comments) removed, character references decoded. */
export interface CleaningCounts {
  tags: number;
  entities: number;
}

/** The warning of a cleaned text (code, params, English), or undefined when nothing was changed. */
export function cleaningProblem(counts: CleaningCounts): Problem | undefined {
  const message = describeCleaning(counts);
  if (message === undefined) return undefined;
  if (counts.entities === 0) return problem('html_tags_removed', { count: counts.tags }, message);
  if (counts.tags === 0) return problem('entities_decoded', { count: counts.entities }, message);
  return problem('html_cleaned', { tags: counts.tags, entities: counts.entities }, message);
}

/** "3 HTML tags removed, 2 entities decoded", or undefined when nothing was changed. */
export function describeCleaning(counts: CleaningCounts): string | undefined {
  const parts: string[] = [];
  if (counts.tags > 0) parts.push(`${counts.tags} HTML ${counts.tags === 1 ? 'tag' : 'tags'} removed`);
  if (counts.entities > 0) parts.push(`${counts.entities} ${counts.entities === 1 ? 'entity' : 'entities'} decoded`);
  return parts.length === 0 ? undefined : parts.join(', ');
}

// C0 controls (but tab / LF / CR, which the whitespace rules handle), DEL, C1 controls, and invisible
// characters that only confuse matching and de-duplication (zero-width space, BOM, soft hyphen).
const CONTROL_RE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u00AD\u200B\u2060\uFEFF]/g;

export function stripControlChars(s: string): string {
  return s.replace(CONTROL_RE, '');
}

/**
 * Decodes HTML character references (`&eacute;`, `&ntilde;`, `&szlig;`, `&times;`, `&#233;`, `&#xE9;`) with the
 * `entities` package (the HTML5 named character references; numeric ones as HTML5 maps them, so `&#150;` is
 * "–"). A reference HTML5 turns into U+FFFD (`&#0;`, a surrogate, beyond U+10FFFF) is dropped; an unknown
 * name stays as written. `counts.entities` is increased by the references decoded.
 */
export function decodeEntities(s: string, counts?: CleaningCounts): string {
  return s.replace(ENTITY_RE, (ref) => {
    const decoded = decodeHTMLStrict(ref);
    if (decoded === ref) return ref;
    if (counts) counts.entities++;
    return decoded.includes('\uFFFD') ? '' : decoded;
  });
}

/** Removes comments, script/style/iframe/object/svg elements with their content, and real tags; counts them. */
export function stripHtml(s: string, counts?: CleaningCounts): string {
  let removed = 0;
  const out = s
    .replace(COMMENT_RE, () => {
      removed++;
      return '';
    })
    .replace(DROPPED_CONTENT_RE, () => {
      removed += 2;
      return '';
    })
    .replace(TAG_RE, (tag: string, slash: string, name: string, attributes: string, offset: number, text: string) => {
      const lower = name.toLowerCase();
      if (slash === '' && attributes.trim() === '' && !ALWAYS_TAGS.has(lower)) {
        // "Array<Object>", "Optional<Label>": a type name, unless the text closes it somewhere.
        const glued = offset > 0 && /[\p{L}\p{N}_]/u.test(text[offset - 1]!);
        const capitalised = name !== lower && name !== name.toUpperCase();
        if ((glued || capitalised) && !text.toLowerCase().includes(`</${lower}`)) return tag;
      }
      removed++;
      return BLOCK_ELEMENTS.has(lower) ? '\n' : '';
    });
  if (counts) counts.tags += removed;
  return out;
}

// Any character that one of the steps below would act on: most cells have none, and skip them all.
const NEEDS_CLEANING_RE = /[<&\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u00AD\u200B\u2060\uFEFF]/;
const ASCII_RE = /^[\x00-\x7f]*$/;

/** Whether every character is ASCII: the test in front of the cheaper paths of the text rules. */
export function isAscii(s: string): boolean {
  return ASCII_RE.test(s);
}
// Latin-1 text (most French text) holds no combining mark and only characters NFC leaves as they are.
const LATIN1_RE = /^[\x00-\xff]*$/;

function cleanCommon(s: string, counts?: CleaningCounts): string {
  const nfc = LATIN1_RE.test(s) ? s : s.normalize('NFC');
  if (!NEEDS_CLEANING_RE.test(nfc)) return nfc;
  // Entities are decoded after the tags are gone so that "&lt;b&gt;" stays visible text; controls are
  // stripped again because an entity such as &#7; can produce one. A decoded entity can make the text
  // non-NFC ("e&#769;"): normalised again then.
  const decoded = stripControlChars(decodeEntities(stripHtml(stripControlChars(nfc), counts), counts));
  return LATIN1_RE.test(decoded) ? decoded : decoded.normalize('NFC');
}

/**
 * One-line text (titles, names): HTML and controls removed, every run of whitespace becomes one space.
 * `counts`, when given, is increased by the tags removed and entities decoded (describeCleaning words it).
 */
export function cleanLine(s: string, counts?: CleaningCounts): string {
  return collapseSpaces(cleanCommon(s, counts)).trim();
}

// Whitespace that is not a lone space: only then is there anything to collapse. A global replace rebuilds the
// string at every match, and every single space between two words is one.
const COLLAPSIBLE_RE = /\s\s|[^\S ]/;

function collapseSpaces(s: string): string {
  return COLLAPSIBLE_RE.test(s) ? s.replace(/\s+/g, ' ') : s;
}

/**
 * Multi-line text (descriptions, lesson content): paragraphs are kept, with at most one blank line
 * between them; spaces inside a line are collapsed and each line is trimmed. `counts` as for cleanLine.
 */
export function cleanMultiline(s: string, counts?: CleaningCounts): string {
  const cleaned = cleanCommon(s, counts);
  if (!/[\r\n]/.test(cleaned)) return collapseSpaces(cleaned).trim();
  return cleaned
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => collapseSpaces(line).trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

// A high surrogate starts a character made of two UTF-16 units; without one, length is the character count.
const HIGH_SURROGATE_RE = /[\uD800-\uDBFF]/;

export function charLength(s: string): number {
  if (!HIGH_SURROGATE_RE.test(s)) return s.length;
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/**
 * Cuts `s` to at most `max` characters, at the last word boundary if it is within the last 20 characters,
 * and ends it with "…" so a reader sees the text was cut.
 */
export function truncateChars(s: string, max: number): string {
  const chars = Array.from(s);
  if (chars.length <= max) return s;
  let cut = chars.slice(0, max - 1).join('');
  const lastSpace = cut.search(/\s\S*$/);
  if (lastSpace > 0 && charLength(cut) - charLength(cut.slice(0, lastSpace)) <= 20) {
    cut = cut.slice(0, lastSpace);
  }
  return `${cut.trimEnd()}…`;
}

const LIGATURES: Record<string, string> = { œ: 'oe', æ: 'ae', ß: 'ss', ø: 'o', đ: 'd', ł: 'l' };

function decomposeAndFold(s: string): string {
  return s
    .toLowerCase()
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .replace(/[œæßøđł]/g, (c) => LIGATURES[c] ?? c);
}

// Within Latin-1 the folding is character by character (no combining marks to meet), so each letter's fold is
// worked out once, by the general path itself, and Latin-1 text skips the decomposition and its copies.
const LATIN1_FOLDS: Readonly<Record<string, string>> = Object.fromEntries(
  Array.from({ length: 0x100 - 0xc0 }, (_, i) => String.fromCharCode(0xc0 + i)).map((c) => [c, decomposeAndFold(c)]),
);
const LATIN1_LETTERS_RE = /[\u00c0-\u00ff]/g;

/** Lower-case, accents removed, common ligatures expanded: for comparing, never for display. */
export function foldAccents(s: string): string {
  // Most text is plain ASCII or Latin-1 (the hottest lines of the normalisation profile).
  if (ASCII_RE.test(s)) return s.toLowerCase();
  if (LATIN1_RE.test(s)) return s.toLowerCase().replace(LATIN1_LETTERS_RE, (c) => LATIN1_FOLDS[c]!);
  return decomposeAndFold(s);
}

/** foldAccents without its fast paths: the definition they must agree with (held by a unit test). */
export const foldAccentsSlowly = decomposeAndFold;

/** foldAccents, then every run of non-letters/digits becomes one space: "Tous-les Niveaux!" → "tous les niveaux". */
export function foldWords(s: string): string {
  return foldAccents(s)
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

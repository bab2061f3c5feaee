// Writers of courses in the import's XML and YAML formats (the readers' inverse: src/ingest/readers/xml.ts and
// yaml.ts), for the templates and the course export. They take raw course records as the import's JSON would hold
// them (title, price, lessons as titles or {title, content, order, video_url}, tags as a list) and write one
// course at a time, so the export can stream page by page.

import { stringify } from 'yaml';
import { XML_COURSE, XML_ROOT } from '../ingest/readers/xml';

/** The order of the field elements / keys written; other keys follow in their own order. */
const FIELD_ORDER = ['external_id', 'title', 'description', 'category', 'instructor', 'duration', 'difficulty', 'learning_mode', 'price', 'is_free', 'lessons', 'tags'];

// XML 1.0 §2.2 Char: no C0 controls but tab, LF and CR; no lone surrogates; not U+FFFE / U+FFFF. A character
// outside it cannot be written at all, not even as a reference: it is dropped (normalised text never has one).
const NOT_XML_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Text escaped for XML 1.0 element content and double-quoted attribute values: & < > " as entities, CR as a
 * character reference (a literal CR would be normalised to LF by the reader, XML 1.0 §2.11).
 */
export function xmlEscape(text: string): string {
  return text.replace(NOT_XML_CHAR, '').replace(/[&<>"\r]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&#13;'));
}

/** An XML element name for a key: the key itself when it is a plain XML name, else the key with other characters as '_'. */
function elementName(key: string): string {
  const name = key.replace(/[^\p{L}\p{N}_.-]/gu, '_');
  return /^[\p{L}_]/u.test(name) ? name : `_${name}`;
}

function scalarText(v: unknown): string {
  return v instanceof Date ? v.toISOString() : typeof v === 'object' ? JSON.stringify(v) : String(v);
}

function lessonXml(lesson: unknown, position: number, pad: string): string {
  if (typeof lesson !== 'object' || lesson === null) return `${pad}<lesson order="${position}"><title>${xmlEscape(String(lesson ?? ''))}</title></lesson>\n`;
  const l = lesson as Record<string, unknown>;
  const order = typeof l.order === 'number' || typeof l.order === 'string' ? String(l.order) : String(position);
  let out = `${pad}<lesson order="${xmlEscape(order)}">`;
  for (const key of ['title', 'content', 'video_url']) {
    const v = l[key];
    if (v !== null && v !== undefined) out += `<${key}>${xmlEscape(scalarText(v))}</${key}>`;
  }
  return `${out}</lesson>\n`;
}

function orderedKeys(course: Record<string, unknown>): string[] {
  return [...FIELD_ORDER.filter((k) => Object.hasOwn(course, k)), ...Object.keys(course).filter((k) => !FIELD_ORDER.includes(k))];
}

/**
 * One <course> element (with a final newline), indented by two spaces under <courses>. Null and undefined values
 * are left out (the reader reads a missing element as an empty value); lessons and tags as child elements.
 */
export function courseToXml(course: Record<string, unknown>): string {
  let out = `  <${XML_COURSE}>\n`;
  for (const key of orderedKeys(course)) {
    const v = course[key];
    if (v === null || v === undefined) continue;
    const name = elementName(key);
    if (key === 'lessons' && Array.isArray(v)) {
      out += `    <lessons>\n${v.map((l, i) => lessonXml(l, i + 1, '      ')).join('')}    </lessons>\n`;
    } else if (key === 'tags' && Array.isArray(v)) {
      out += `    <tags>${v.map((t) => `<tag>${xmlEscape(String(t ?? ''))}</tag>`).join('')}</tags>\n`;
    } else {
      out += `    <${name}>${xmlEscape(Array.isArray(v) ? v.map((x) => String(x ?? '')).join(',') : scalarText(v))}</${name}>\n`;
    }
  }
  return `${out}  </${XML_COURSE}>\n`;
}

export const XML_PROLOGUE = `<?xml version="1.0" encoding="UTF-8"?>\n<${XML_ROOT}>\n`;
export const XML_EPILOGUE = `</${XML_ROOT}>\n`;

/** A whole XML catalogue (UTF-8, the structure of public/schemas/courses.xsd). */
export function toXml(rows: readonly Record<string, unknown>[]): string {
  return XML_PROLOGUE + rows.map(courseToXml).join('') + XML_EPILOGUE;
}

/**
 * One course as an item of a YAML 1.2 block sequence ("- title: …", final newline), keys in the format's order.
 * The `yaml` package quotes every string that the core schema would read as something else ("true", "10", "null").
 */
export function courseToYaml(course: Record<string, unknown>): string {
  const ordered: Record<string, unknown> = {};
  for (const key of orderedKeys(course)) ordered[key] = course[key];
  return stringify([ordered], { lineWidth: 0 });
}

/** A whole YAML catalogue: a block sequence of courses (the reader also takes `courses:` around it). */
export function toYaml(rows: readonly Record<string, unknown>[]): string {
  return rows.length === 0 ? '[]\n' : rows.map(courseToYaml).join('');
}

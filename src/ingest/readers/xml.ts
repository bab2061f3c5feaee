// XML reader. The documented structure (public/schemas/courses.xsd, README "The course format"):
//
//   <courses>
//     <course>
//       <title>…</title> <description>…</description> … (one element per course field, any order)
//       <lessons><lesson order="1"><title>…</title><content>…</content><video_url>…</video_url></lesson></lessons>
//       <tags><tag>…</tag></tags>
//     </course>
//   </courses>
//
// Field elements are named as the course fields (src/domain/fields.ts COURSE_FIELDS) or as their aliases (the
// French column names: <titre>, <prix>, <lecons>…): each row's raw keys are the element names, so the same
// field rules and normalisation as CSV / JSON apply, and an element that matches no field is reported as an
// unknown column by the parse step. <lessons> and <tags> may also hold plain text ("Intro;Variables", "a,b")
// as a CSV cell would. Namespaces are allowed; local names are read.
//
// Streamed with saxes (XML 1.0 + Namespaces, no DTD processing): only the current course's elements are held,
// so a 10 MB file is read within the worker's memory. rowNumber = the course's 1-based position.
//
// Safety (OWASP XXE prevention): a document type declaration is refused before the parser sees it, wherever it
// is: the text is scanned chunk by chunk for "<!DOCTYPE" (and "<!ENTITY") and the file fails 'unsafe'. Without a
// DTD there are no external entities and no entity expansion (billion laughs): only the five predefined entities
// and character references exist (XML 1.0 §4.6), and saxes fails on any other reference. Nesting is bounded by
// limits.maxNestingDepth (saxes keeps a frame per open element).
//
// Encodings: UTF-8 (BOM or not) and UTF-16 with a BOM or recognisable without one (XML 1.0 §4.3.3, Appendix F);
// a declaration naming another encoding is refused with how to save the file as UTF-8.
//
// Errors carry the line, the column and an XPath-like path of the element (`/courses/course[3]/price`).

import fs from 'node:fs';
import { SaxesParser, type SaxesTagNS } from 'saxes';
import { FileValidationError, ignoreWarnings, type ReaderLimits, type RowError, type SourceRow, type WarnFn } from '../../domain/types';
import { canonicalField } from '../../domain/fields';
import { checkFile, tooManyRows } from './file-checks';
import { reasonParams, xmlReason } from './parser-reasons';
import { createDecoder, InvalidBytesError, invalidBytesFailure, type TextEncoding, utf16Encoding } from './encoding';

/** The element names of the structure, as the XSD declares them. */
export const XML_ROOT = 'courses';
export const XML_COURSE = 'course';

/** One element of the course being read, with its text and child elements (a course is a small tree). */
interface XmlNode {
  name: string;
  attributes: Record<string, string>;
  text: string;
  children: XmlNode[];
  /** Where it starts, for the messages of the fields it feeds. */
  line: number;
  column: number;
}

/** "<!DOCTYPE" or "<!ENTITY", in any case (the XML names are upper-case; an HTML-minded producer may not be). */
const DTD_MARK = /<!\s*(doctype|entity)/i;
/** Characters kept from the end of a chunk to find a mark cut between two chunks. */
const DTD_MARK_CARRY = 16;

function textOf(node: XmlNode): string {
  if (node.children.length === 0) return node.text;
  return node.text + node.children.map(textOf).join('');
}

/** A <lesson>: an object of its attributes and child elements, or its text when it has neither (a title). */
function lessonValue(node: XmlNode): unknown {
  const hasAttributes = Object.keys(node.attributes).length > 0;
  if (node.children.length === 0 && !hasAttributes) return node.text;
  const lesson: Record<string, unknown> = { ...node.attributes };
  for (const child of node.children) if (lesson[child.name] === undefined) lesson[child.name] = textOf(child);
  if (node.children.length === 0 && node.text.trim() !== '') lesson.title ??= node.text;
  return lesson;
}

/** The raw value of a field element: lessons and tags as arrays when they have child elements, text otherwise. */
function fieldValue(node: XmlNode): unknown {
  if (node.children.length === 0) return node.text;
  const field = canonicalField(node.name);
  if (field === 'lessons') return node.children.map(lessonValue);
  if (field === 'tags') return node.children.map(textOf);
  return textOf(node);
}

/** XML 1.0 §4.3.3: the declared encoding must be the one read; only UTF-8 and UTF-16 (and ASCII, a subset) are. */
function checkDeclaredEncoding(declared: string | undefined, read: TextEncoding): void {
  if (declared === undefined) return;
  const name = declared.toLowerCase().replace(/[_\s]/g, '-');
  if (name === 'utf-8' || name === 'utf8' || name === 'us-ascii' || name === 'ascii') return;
  if (name.startsWith('utf-16') && read !== 'utf-8') return;
  throw new FileValidationError('unreadable', `the XML declaration names the encoding "${declared}"; only UTF-8 and UTF-16 are read: save the file as UTF-8`, { context: 'xmlEncoding', declared });
}

/**
 * Reads an XML course catalogue (the structure above) row by row.
 *
 * Shapes: each SourceRow has `rowNumber` = the <course>'s 1-based position and `raw` = { element name: text },
 * with lessons as an array of strings or objects ({title, content, video_url, order} from child elements and
 * attributes) and tags as an array of strings when written as child elements.
 *
 * Throws FileValidationError: 'unsafe' (a DTD, anywhere), 'malformed' (not well-formed XML 1.0, a root other
 * than <courses>; with line, column and path), 'too_complex' (nesting beyond limits.maxNestingDepth),
 * 'too_many_rows', 'empty', 'unreadable' (an encoding other than UTF-8 / UTF-16, invalid bytes), plus the
 * checks of every reader (file-checks.ts). Element names outside <course> that are not <course> are skipped
 * with the file warning 'unknown_element' (once per name).
 */
export async function* readXml(filePath: string, limits: ReaderLimits, warn: WarnFn = ignoreWarnings): AsyncGenerator<SourceRow> {
  const sample = await checkFile(filePath, 'xml', limits);
  const encoding: TextEncoding = utf16Encoding(sample) ?? 'utf-8';
  const decoder = createDecoder(encoding);
  const parser = new SaxesParser({ xmlns: true, position: true });

  const ready: SourceRow[] = [];
  // The open elements: their names (for paths) and, inside a course, the nodes being built.
  const names: string[] = [];
  const open: XmlNode[] = [];
  let courses = 0;
  let lessonIndex = 0;
  let course: { raw: Record<string, unknown>; warnings: RowError[] } | null = null;
  let skipping = 0; // depth of an element skipped with its subtree (not a <course> under the root)
  const warnedElements = new Set<string>();

  const where = (): string => `line ${parser.line}, column ${parser.column + 1}`;
  // The same position for the reader's language.
  const position = (): { line: number; column: number } => ({ line: parser.line, column: parser.column + 1 });
  const pathOf = (extra?: string): string => {
    const parts = names.map((n, i) => (i === 1 && n === XML_COURSE ? `${n}[${courses}]` : i === 3 && canonicalField(names[2] ?? '') === 'lessons' ? `${n}[${lessonIndex}]` : n));
    if (extra !== undefined) parts.push(extra);
    return `/${parts.join('/')}`;
  };

  parser.on('xmldecl', (decl) => checkDeclaredEncoding(decl.encoding, encoding));
  // Unreachable while the scan below refuses every DTD first; kept so that saxes never reads one.
  parser.on('doctype', () => {
    throw new FileValidationError('unsafe', `the XML file has a document type declaration (DTD) at ${where()}; DTDs and entities are refused`, { context: 'xmlDoctype', ...position() });
  });
  parser.on('opentag', (tag: SaxesTagNS) => {
    const name = tag.local;
    names.push(name);
    const depth = names.length;
    if (depth > limits.maxNestingDepth) {
      throw new FileValidationError('too_complex', `nesting deeper than ${limits.maxNestingDepth} levels at ${where()} (${pathOf()}): a course catalogue is <courses><course><field>…`, {
        context: 'depthXml',
        max: limits.maxNestingDepth,
        ...position(),
        path: pathOf(),
      });
    }
    if (skipping > 0) return;
    if (depth === 1) {
      if (name !== XML_ROOT) {
        throw new FileValidationError('malformed', `the root element is <${tag.name}>; expected <${XML_ROOT}> holding <${XML_COURSE}> elements (public/schemas/courses.xsd)`, {
          context: 'xmlRoot',
          root: tag.name,
        });
      }
      return;
    }
    if (depth === 2) {
      if (name !== XML_COURSE) {
        skipping = depth;
        if (!warnedElements.has(name) && warnedElements.size < 100) {
          warnedElements.add(name);
          warn({ code: 'unknown_element', column: name, params: { element: name }, message: `the element <${name}> under <${XML_ROOT}> is not a <${XML_COURSE}>; it was ignored` });
        }
        return;
      }
      courses++;
      if (courses > limits.maxRows) throw tooManyRows(limits.maxRows, 'courses');
      course = { raw: {}, warnings: [] };
      return;
    }
    if (depth === 4 && canonicalField(names[2] ?? '') === 'lessons') lessonIndex++;
    if (depth === 3) lessonIndex = 0;
    const attributes: Record<string, string> = {};
    for (const attr of Object.values(tag.attributes)) {
      // Namespace declarations and xsi:* (schemaLocation, nil…) are about the document, not the value.
      if (attr.prefix === 'xmlns' || attr.name === 'xmlns' || attr.prefix === 'xsi') continue;
      attributes[attr.local] = attr.value;
    }
    const node: XmlNode = { name, attributes, text: '', children: [], line: parser.line, column: parser.column + 1 };
    open.at(-1)?.children.push(node);
    open.push(node);
  });
  const addText = (text: string) => {
    const node = open.at(-1);
    if (node && skipping === 0) node.text += text;
  };
  parser.on('text', addText);
  parser.on('cdata', addText);
  parser.on('closetag', () => {
    const depth = names.length;
    names.pop();
    if (skipping > 0) {
      if (depth === skipping) skipping = 0;
      return;
    }
    if (depth >= 3) {
      const node = open.pop()!;
      // Element text between child elements is indentation: a node with children keeps only theirs.
      if (node.children.length > 0 && node.text.trim() === '') node.text = '';
      if (depth === 3 && course) {
        if (Object.hasOwn(course.raw, node.name)) {
          course.warnings.push({
            field: node.name,
            code: 'xml_duplicate_element',
            params: { element: node.name, line: node.line },
            message: `${node.name}: the element <${node.name}> appears more than once (line ${node.line}); the first one was read`,
          });
        } else {
          course.raw[node.name] = fieldValue(node);
        }
      }
      return;
    }
    if (depth === 2 && course) {
      const row: SourceRow = { rowNumber: courses, raw: course.raw, path: `/${XML_ROOT}/${XML_COURSE}[${courses}]` };
      if (course.warnings.length > 0) row.warnings = course.warnings;
      ready.push(row);
      course = null;
    }
  });

  // saxes' own errors read "line:column: message"; ours are FileValidationErrors already.
  const failure = (err: unknown): Error => {
    if (err instanceof FileValidationError) return err;
    const message = (err as Error).message ?? String(err);
    const m = /^(\d+):(\d+): (.*)$/s.exec(message);
    const at = m ? `line ${m[1]}, column ${Number(m[2]) + 1}` : where();
    const reason = m ? m[3]! : message;
    // The parser's words stay in `detail` (technical details, the English log); the reader reads `reason`.
    return new FileValidationError('malformed', `invalid XML at ${at}${names.length > 0 ? ` (${pathOf()})` : ''}: ${reason}`, {
      context: names.length > 0 ? 'xmlPath' : 'xml',
      ...(m ? { line: Number(m[1]), column: Number(m[2]) + 1 } : position()),
      ...(names.length > 0 ? { path: pathOf() } : {}),
      ...reasonParams(xmlReason(reason), reason),
    });
  };

  let carry = '';
  const feed = (text: string) => {
    if (text === '') return;
    // The DTD scan runs on the text before the parser: a declaration never reaches it.
    const window = carry + text;
    if (DTD_MARK.test(window)) {
      const before = window.search(DTD_MARK);
      const lines = window.slice(0, before).split(/\r\n|\r|\n/).length - 1;
      const approxLine = parser.line + lines;
      throw new FileValidationError('unsafe', `the XML file has a document type declaration or an entity declaration (near line ${approxLine}); DTDs and entities are refused (XXE, entity expansion)`, {
        context: 'xmlDtd',
        line: approxLine,
      });
    }
    carry = window.slice(-DTD_MARK_CARRY);
    parser.write(text);
  };

  const stream = fs.createReadStream(filePath, { highWaterMark: 64 * 1024 });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      try {
        feed(decoder.write(chunk));
      } catch (err) {
        if (err instanceof InvalidBytesError) throw await invalidBytesFailure(filePath, err);
        throw failure(err);
      }
      // The rows completed by this chunk (a chunk is 64 KB: a few courses at most are held).
      while (ready.length > 0) yield ready.shift()!;
    }
    try {
      feed(decoder.end());
      parser.close();
    } catch (err) {
      if (err instanceof InvalidBytesError) throw await invalidBytesFailure(filePath, err);
      throw failure(err);
    }
    while (ready.length > 0) yield ready.shift()!;
  } finally {
    stream.destroy();
  }
  if (courses === 0) throw new FileValidationError('empty', `the file has no courses: expected <${XML_ROOT}> with <${XML_COURSE}> elements`, { context: 'xml' });
}

// YAML reader: a sequence of courses, or a mapping whose `courses` key holds that sequence (other keys are
// ignored), each course a mapping with the same keys as a JSON course (README "The course format").
//
// Safe loading only (YAML 1.2, core schema, with the `yaml` package): no custom or language tags (`!!js/function`,
// `!!python/object`, any `!tag` → 'unsafe'), duplicate keys refused ('malformed', YAML 1.2 §3.2.1.1 says keys are
// unique), aliases bounded (a "billion laughs" of aliases → 'too_complex' before it is expanded), one document,
// nesting bounded by limits.maxNestingDepth before the parser runs (yaml-depth.ts).
//
// Not streamed as bytes: YAML's structure (indentation, anchors, flow collections) makes a per-item parser
// impractical, so the text is read whole once the size check has passed (limits.maxFileBytes, 10 MB by default:
// a string of at most ~20 MB). It is then cut into its courses by the package's streaming Lexer (yaml-split.ts)
// and each course is parsed on its own: a Document of the whole 10 MB file took ~750 MB of heap, one course's a
// few KB (test/unit/readers-xml-yaml-memory.test.ts). A file that cannot be cut (a flow sequence, anchors and
// aliases, several documents) is parsed whole, only up to YAML_WHOLE_MAX_CHARS. rowNumber = the course's 1-based
// position in the sequence, as JSON.

import { readFile } from 'node:fs/promises';
import { parseDocument, type YAMLError } from 'yaml';
import { FileValidationError, ignoreWarnings, type ReaderLimits, type SourceRow, type WarnFn } from '../../domain/types';
import { describeJsonValue, NOT_AN_OBJECT_KEY } from '../../domain/source-marks';
import { checkFile, tooManyRows } from './file-checks';
import { reasonParams, yamlReason } from './parser-reasons';
import { checkYamlDepth } from './yaml-depth';
import { splitYamlCourses } from './yaml-split';
import { createDecoder, InvalidBytesError, invalidBytesFailure, type TextEncoding, utf16Encoding } from './encoding';

/** Aliases (`*name`) resolved at most, per document: a real catalogue reuses a few (a lesson list, an instructor). */
export const YAML_MAX_ALIASES = 100;

/**
 * Characters of a YAML file parsed as one document (a flow sequence, anchors and aliases, several documents): the
 * `yaml` package's Document takes ~75x the text in heap, so 1 MB stays near 75 MB, within the worker's 192 MB.
 */
export const YAML_WHOLE_MAX_CHARS = 1024 * 1024;

/** The first line of the library's message, without its own position (given again by `at`). */
function reason(err: YAMLError): string {
  return (err.message.split('\n', 1)[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * One YAML 1.2 document (core schema) as plain JS values, safely: `lineOffset` is added to the lines of the
 * messages (the text may be one course cut from the file). Throws FileValidationError 'unsafe' (a tag the core
 * schema does not define), 'malformed' (syntax, duplicate keys, several documents), 'too_complex' (aliases).
 */
function parseSafe(source: string, lineOffset: number): unknown {
  const at = (err: YAMLError): string => {
    const pos = err.linePos?.[0];
    return pos ? ` at line ${pos.line + lineOffset}, column ${pos.col}` : '';
  };
  // The same position for the reader's language: the variant's suffix `At` and its line and column.
  const position = (err: YAMLError): { at: 'At'; line: number; column: number } | { at: '' } => {
    const pos = err.linePos?.[0];
    return pos ? { at: 'At', line: pos.line + lineOffset, column: pos.col } : { at: '' };
  };
  try {
    const doc = parseDocument(source, { schema: 'core', customTags: [], uniqueKeys: true, strict: true, prettyErrors: true });
    const tag = doc.warnings.find((w) => w.code === 'TAG_RESOLVE_FAILED');
    if (tag) {
      const { at: suffix, ...where } = position(tag);
      const detail = reason(tag).replace(/^Unresolved tag: /, '');
      throw new FileValidationError('unsafe', `a YAML tag the core schema does not define${at(tag)} (${detail}); custom and language tags are refused`, {
        context: `yamlTag${suffix}`,
        ...where,
        detail,
      });
    }
    const error = doc.errors[0];
    if (error) {
      const what = error.code === 'DUPLICATE_KEY' ? 'a key appears twice in the same mapping' : error.code === 'MULTIPLE_DOCS' ? 'the file holds several YAML documents; put every course in one list' : reason(error);
      const { at: suffix, ...where } = position(error);
      // A duplicate key or several documents are told in the reader's language; another parser reason as written.
      const variant = error.code === 'DUPLICATE_KEY' ? 'yamlDuplicateKey' : error.code === 'MULTIPLE_DOCS' ? 'yamlDocuments' : 'yaml';
      throw new FileValidationError('malformed', `invalid YAML${at(error)}: ${what}`, {
        context: `${variant}${suffix}`,
        ...where,
        ...(variant === 'yaml' ? reasonParams(yamlReason(error.code, what), what) : {}),
      });
    }
    return doc.toJS({ maxAliasCount: YAML_MAX_ALIASES });
  } catch (err) {
    if (err instanceof FileValidationError) throw err;
    if (err instanceof ReferenceError && /alias/i.test(err.message)) {
      throw new FileValidationError('too_complex', `the YAML file expands its aliases beyond ${YAML_MAX_ALIASES} (an alias bomb?); write the values out`, { context: 'yamlAliases', max: YAML_MAX_ALIASES });
    }
    if (err instanceof RangeError) {
      throw new FileValidationError('too_complex', 'the YAML file is nested too deep to read: a course catalogue is a list of flat course mappings', { context: 'yamlStack' });
    }
    throw new FileValidationError('unreadable', `the YAML file could not be read: ${(err as Error).message}`, { context: 'parser', format: 'YAML', ...reasonParams({ reason: 'syntax' }, (err as Error).message) });
  }
}

/**
 * Parses a YAML course catalogue (YAML 1.2, core schema) and yields its courses.
 *
 * Shapes: each SourceRow has `rowNumber` = the 1-based position in the sequence and `raw` = the course mapping as
 * plain JS values (strings, numbers, booleans, null, arrays, objects: the JSON data model); an item that is not a
 * mapping gets the NOT_AN_OBJECT_KEY mark (a row error, as in JSON).
 *
 * Throws FileValidationError: 'unsafe' (a tag the core schema does not define), 'too_complex' (more than
 * YAML_MAX_ALIASES aliases, or nesting the parser cannot hold), 'malformed' (a syntax error, duplicate keys,
 * several documents, a top level that is neither a sequence nor a mapping with a `courses` sequence; with line
 * and column), 'empty', 'too_many_rows', 'unreadable' (invalid bytes), plus the checks of every reader.
 */
export async function* readYaml(filePath: string, limits: ReaderLimits, warn: WarnFn = ignoreWarnings): AsyncGenerator<SourceRow> {
  void warn; // a YAML file has no file-level interpretation to report (its columns are reported by the parse step)
  const sample = await checkFile(filePath, 'yaml', limits);
  const encoding: TextEncoding = utf16Encoding(sample) ?? 'utf-8';
  let text: string;
  try {
    const decoder = createDecoder(encoding);
    text = decoder.write(await readFile(filePath)) + decoder.end();
  } catch (err) {
    if (err instanceof InvalidBytesError) throw await invalidBytesFailure(filePath, err);
    throw err;
  }

  // Before the parser: its composer recurses once per level (yaml-depth.ts).
  checkYamlDepth(text, limits.maxNestingDepth);
  const split = splitYamlCourses(text);
  if (split) {
    // Course by course: the rest of the document is checked first (syntax, duplicate keys, tags).
    parseSafe(split.skeleton, 0);
    if (split.items.length > limits.maxRows) throw tooManyRows(limits.maxRows, 'courses');
    if (split.items.length === 0) throw new FileValidationError('empty', 'the list of courses is empty', { context: 'emptyList' });
    let rowNumber = 0;
    for (const item of split.items) {
      const parsed = parseSafe(text.slice(item.start, item.end), item.line - 1);
      // One course per item; should a cut ever hold two, each is still read, at its own position.
      for (const course of Array.isArray(parsed) ? parsed : [parsed]) {
        if (++rowNumber > limits.maxRows) throw tooManyRows(limits.maxRows, 'courses');
        yield { rowNumber, raw: isRecord(course) ? course : { [NOT_AN_OBJECT_KEY]: describeJsonValue(course) }, path: `${split.wrapped ? '/courses' : ''}/${rowNumber - 1}` };
      }
    }
    return;
  }
  // A flow sequence, anchors and aliases, several documents: the document is parsed whole, within a bound.
  if (text.length > YAML_WHOLE_MAX_CHARS) {
    throw new FileValidationError('too_complex', `a YAML file over ${YAML_WHOLE_MAX_CHARS / 1024} KB is read course by course: write it as one block list ("- title: …", or "courses:" then "  - title: …") without anchors and aliases (&name, *name)`, {
      context: 'yamlWhole',
      maxBytes: YAML_WHOLE_MAX_CHARS,
    });
  }
  const value = parseSafe(text, 0);

  const wrapped = isRecord(value);
  const list = isRecord(value) ? value.courses : value;
  if (value === null || value === undefined) throw new FileValidationError('empty', 'the file has no courses', { context: 'noCourses' });
  if (!Array.isArray(list)) {
    throw wrapped
      ? new FileValidationError('malformed', 'the "courses" key must hold a list of course mappings', { context: 'yamlCoursesNotList' })
      : new FileValidationError('malformed', 'the file must hold a list of courses, or a mapping with a "courses" list', { context: 'yamlNotList' });
  }
  if (list.length === 0) throw new FileValidationError('empty', 'the list of courses is empty', { context: 'emptyList' });
  if (list.length > limits.maxRows) throw tooManyRows(limits.maxRows, 'courses');
  for (let i = 0; i < list.length; i++) {
    const item: unknown = list[i];
    yield { rowNumber: i + 1, raw: isRecord(item) ? item : { [NOT_AN_OBJECT_KEY]: describeJsonValue(item) }, path: `${wrapped ? '/courses' : ''}/${i}` };
    // Lets the parsed course be collected once it is staged.
    list[i] = undefined;
  }
}

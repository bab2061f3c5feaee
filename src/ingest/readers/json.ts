// JSON reader. Streams the file with stream-json: a top-level array of courses, or an object whose
// "courses" property is that array (other properties are ignored). Only one array element is in memory
// at a time. rowNumber = the element's 1-based position in the array, path its JSON Pointer ("/courses/2", "/2").
//
// Encodings (encoding.ts): UTF-8 with or without BOM, UTF-16 with a BOM (Windows PowerShell 5's Out-File and
// `Set-Content -Encoding Unicode`), UTF-16 without one, Windows-1252 (PowerShell 5's `-Encoding Default`) and
// Mac Roman. stream-json reads UTF-8, so anything else is decoded on the way by a streaming decoder; UTF-8 is
// passed through as is, only checked, so that an invalid byte stops the file instead of becoming U+FFFD. A
// guessed encoding is the file warning 'encoding_guessed'.
//
// Nesting is bounded while streaming (json-depth.ts): deeper than limits.maxNestingDepth levels, counted from
// the top-level array, the file is refused ('too_complex') with the line and column, before the parser holds
// the levels. Values inside a course are then at most that deep, which the row guard relies on.
//
// An element that is not an object (a string, null, a nested array…) does not fail the file: it is passed
// on with a NOT_AN_OBJECT_KEY mark and normalisation reports it as that row's error.
//
// Syntax errors (a trailing comma, a literal NaN or Infinity, a truncated file) are reported with their place:
// stream-json's parser says what is wrong but not where, so on a parse error the file (bounded by
// maxFileBytes) is decoded again and run through stream-json's verifier, which gives the line and column
// of the decoded text.

import fs from 'node:fs';
import { stat } from 'node:fs/promises';
import { pipeline, Transform, type Duplex } from 'node:stream';
import { parser } from 'stream-json';
import { pick } from 'stream-json/filters/pick.js';
import { streamArray } from 'stream-json/streamers/stream-array.js';
import { verifier } from 'stream-json/utils/verifier.js';
import { FileValidationError, ignoreWarnings, type ReaderLimits, type SourceRow, type WarnFn } from '../../domain/types';
import { describeJsonValue, NOT_AN_OBJECT_KEY } from '../../domain/source-marks';
import { checkFile, tooManyRows } from './file-checks';
import { jsonReason, reasonParams } from './parser-reasons';
import { JsonDepthGuard } from './json-depth';
import { createDecoder, decodingStream, detectFileEncoding, encodingWarning, InvalidBytesError, invalidBytesFailure, type TextEncoding } from './encoding';

/** UTF-8 passes through unchanged, checked by a strict decoder; other encodings become UTF-8 text. */
function toUtf8(encoding: TextEncoding): Transform {
  if (encoding !== 'utf-8') return decodingStream(encoding);
  const check = createDecoder('utf-8');
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      try {
        check.write(chunk);
        done(null, chunk);
      } catch (err) {
        done(err as Error);
      }
    },
    flush(done) {
      try {
        check.end();
        done();
      } catch (err) {
        done(err as Error);
      }
    },
  });
}

function decodedStream(filePath: string, encoding: TextEncoding): Duplex {
  return pipeline(fs.createReadStream(filePath), toUtf8(encoding), () => {
    // Errors surface where the stream is read.
  });
}

function topLevelChar(sample: Buffer, encoding: TextEncoding): string {
  let text: string;
  try {
    text = createDecoder(encoding).write(sample);
  } catch {
    text = sample.toString('latin1');
  }
  return text.replace(/^\uFEFF/, '').trimStart().charAt(0);
}

async function syntaxError(filePath: string, encoding: TextEncoding, fallback: string): Promise<FileValidationError> {
  try {
    await new Promise<void>((resolve, reject) => {
      pipeline(decodedStream(filePath, encoding), verifier.asStream(), (err) => (err ? reject(err) : resolve()));
    });
  } catch (err) {
    const { line, pos, message } = err as { line?: number; pos?: number; message?: string };
    if (typeof line === 'number' && typeof pos === 'number') {
      const reason = (message ?? fallback).replace(/^.*?cannot parse input:\s*/i, '');
      // The parser's words stay in `detail` (technical details, the English log); the reader reads `reason`.
      return new FileValidationError('malformed', `invalid JSON at line ${line}, column ${pos}: ${reason}`, { context: 'jsonAt', line, column: pos, ...reasonParams(jsonReason(reason), reason) });
    }
  }
  return new FileValidationError('malformed', `invalid JSON: ${fallback}`, { context: 'json', ...reasonParams(jsonReason(fallback), fallback) });
}

export async function* readJson(filePath: string, limits: ReaderLimits, warn: WarnFn = ignoreWarnings): AsyncGenerator<SourceRow> {
  const sample = await checkFile(filePath, 'json', limits);
  const detected = await detectFileEncoding(filePath, sample, (await stat(filePath)).size);
  const { encoding } = detected;
  const guessed = encodingWarning(detected);
  if (guessed) warn(guessed);
  const wrapped = topLevelChar(sample, encoding) === '{';

  // The depth is bounded before the parser sees the text: its stack and the assembler's grow with each level.
  const stages: (NodeJS.ReadableStream | Duplex)[] = [fs.createReadStream(filePath), toUtf8(encoding), new JsonDepthGuard(limits.maxNestingDepth), parser.asStream()];
  if (wrapped) stages.push(pick.asStream({ filter: 'courses' }));
  stages.push(streamArray.asStream());
  // pipeline's typings want a fixed arity; the stages are all streams, checked above.
  const items = (pipeline as (...args: unknown[]) => Duplex)(...stages, () => {
    // Errors surface through the async iteration below.
  });

  let rows = 0;
  try {
    for await (const item of items as AsyncIterable<{ key: number; value: unknown }>) {
      rows++;
      if (rows > limits.maxRows) throw tooManyRows(limits.maxRows, 'courses');
      const { value } = item;
      const isObject = typeof value === 'object' && value !== null && !Array.isArray(value);
      yield {
        rowNumber: item.key + 1,
        raw: isObject ? (value as Record<string, unknown>) : { [NOT_AN_OBJECT_KEY]: describeJsonValue(value) },
        // JSON Pointer (RFC 6901) of the element: "/courses/2" or "/2".
        path: `${wrapped ? '/courses' : ''}/${item.key}`,
      };
    }
  } catch (err) {
    if (err instanceof FileValidationError) throw err;
    if (err instanceof InvalidBytesError) throw await invalidBytesFailure(filePath, err);
    const message = (err as Error).message ?? String(err);
    if (/should be an array/i.test(message)) {
      throw wrapped
        ? new FileValidationError('malformed', 'the "courses" property must be an array of course objects', { context: 'jsonCoursesNotArray' })
        : new FileValidationError('malformed', 'the file must contain an array of courses, or an object with a "courses" array', { context: 'jsonNotArray' });
    }
    if (/cannot parse input|unexpected/i.test(message)) throw await syntaxError(filePath, encoding, message);
    throw new FileValidationError('unreadable', `the JSON file could not be read: ${message}`, { context: 'parser', format: 'JSON', ...reasonParams(jsonReason(message), message) });
  } finally {
    items.destroy();
  }
  if (rows === 0) {
    throw wrapped
      ? new FileValidationError('empty', 'the file has no courses: expected an object with a non-empty "courses" array', { context: 'jsonCourses' })
      : new FileValidationError('empty', 'the file contains an empty array: no courses', { context: 'emptyArray' });
  }
}

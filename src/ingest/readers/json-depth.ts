// The nesting depth of a JSON text, bounded while it streams (issue 16: a few MB of "[[[[…" took the worker's
// memory: stream-json's parser and assembler keep a frame per open level). A scan of the UTF-8 bytes before
// the parser: brackets outside strings (RFC 8259 §2: only `[ ] { }` open and close levels; inside a string a
// quote is escaped by a backslash, §7), with the line and column of each byte for the message. UTF-8 bytes of
// multi-byte characters are never ASCII (RFC 3629 §3), so the scan needs no decoding; columns count
// characters (code points), lines LF, CRLF or CR.

import { Transform, type TransformCallback } from 'node:stream';
import { FileValidationError } from '../../domain/types';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const LF = 0x0a;
const CR = 0x0d;

/** The error of a text nested deeper than `maxDepth`, at its 1-based line and column. */
export function nestingError(maxDepth: number, line: number, column: number): FileValidationError {
  return new FileValidationError(
    'too_complex',
    `nesting deeper than ${maxDepth} levels at line ${line}, column ${column}: a course catalogue is a list of flat course objects (lessons and tags one level below)`,
    { context: 'depthJson', max: maxDepth, line, column },
  );
}

/**
 * A pass-through stream of UTF-8 JSON (Buffers or strings) that fails with a FileValidationError 'too_complex'
 * ("nesting deeper than 32 levels at line L, column C") as soon as an array or object opens deeper than
 * `maxDepth` levels (the top-level value is level 1). It does not check the syntax otherwise: the parser does.
 */
export class JsonDepthGuard extends Transform {
  private depth = 0;
  private inString = false;
  private escaped = false;
  private line = 1;
  private column = 0;
  private lastCr = false;

  constructor(private readonly maxDepth: number) {
    super();
  }

  override _transform(chunk: Buffer | string, _enc: BufferEncoding, done: TransformCallback): void {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    let { depth, inString, escaped, line, column, lastCr } = this;
    const max = this.maxDepth;
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i]!;
      // A continuation byte (10xxxxxx) is part of the character already counted.
      if ((b & 0xc0) !== 0x80) column++;
      if (inString) {
        if (escaped) escaped = false;
        else if (b === BACKSLASH) escaped = true;
        else if (b === QUOTE) inString = false;
        continue;
      }
      if (b === QUOTE) inString = true;
      else if (b === OPEN_BRACKET || b === OPEN_BRACE) {
        if (++depth > max) {
          done(nestingError(max, line, column));
          return;
        }
      } else if (b === CLOSE_BRACKET || b === CLOSE_BRACE) depth--;
      else if (b === LF) {
        if (!lastCr) line++;
        column = 0;
      } else if (b === CR) {
        line++;
        column = 0;
      }
      lastCr = b === CR;
    }
    Object.assign(this, { depth, inString, escaped, line, column, lastCr });
    done(null, chunk);
  }
}

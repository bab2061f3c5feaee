// Text encodings of CSV and JSON files, and their streaming decoders.
//
// Which encoding a file is read in, in this order (the first rule that applies decides):
//   1. a byte-order mark: UTF-8 (EF BB BF), UTF-16 LE (FF FE), UTF-16 BE (FE FF). Read as is, no warning.
//   2. UTF-16 without a byte-order mark: zero bytes at every other position (Latin text in UTF-16). Read with
//      the warning 'encoding_guessed'.
//   3. valid UTF-8 (strict WHATWG decoder over the first 64 KB, or over the whole file when those are pure
//      ASCII): UTF-8, no warning.
//   4. otherwise a single-byte code page: Windows-1252 (Windows' "ANSI": French Excel's "CSV (séparateur:
//      point-virgule)", PowerShell 5's `-Encoding Default`) or Mac Roman (Excel for Mac's "CSV (Macintosh)").
//      Both decode every byte, so the sample is decoded with each and judged (text-plausibility.ts: letters
//      French uses vs. what a wrong code page produces), and for CSV the header's known column names
//      (`canonicalField`) count too. The clear winner is read, with the warning 'encoding_guessed'; when
//      neither reading is plausible or they score close, the file is refused ('unreadable') with the
//      encodings tried and how to save it as UTF-8: never mojibake.
//
// chardet is not the judge: on the field cases it calls Excel for Mac's Mac Roman file "windows-1252" (67 %),
// and its single-byte guesses on short French samples put windows-1250 and ISO-8859-2 close behind. It is
// asked only to name what a refused file might be. Decoding of single-byte code pages is iconv-lite's (its
// tables are generated from the Unicode consortium's mappings, Apple's for Mac Roman); Node's TextDecoder
// decodes Windows-1252's 0x80–0x9F as C1 controls in some versions (nodejs/node#56542), which would turn
// "49,99 €" into "49,99 \u0080".
//
// Decoders are strict: a byte that is invalid in the chosen encoding (a mixed-encoding file, UTF-8 damaged
// after the first 64 KB, one of Windows-1252's five undefined bytes) stops the file with its line, instead of
// storing U+FFFD.

import fs from 'node:fs';
import { Transform } from 'node:stream';
import chardet from 'chardet';
import iconv from 'iconv-lite';
import { FileValidationError, type FileWarning } from '../../domain/types';
import { scorePlausibility, type Plausibility } from './text-plausibility';

export type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252' | 'macintosh';

export interface DetectedEncoding {
  encoding: TextEncoding;
  /** The file starts with a byte-order mark (the decoders drop it). */
  bom: boolean;
  /** Interpreted rather than read: no BOM and not UTF-8. Reported as the file warning 'encoding_guessed'. */
  guessed: boolean;
}

/** What users call each encoding, for messages. */
export const ENCODING_NAMES: Readonly<Record<TextEncoding, string>> = {
  'utf-8': 'UTF-8',
  'utf-16le': 'UTF-16 LE',
  'utf-16be': 'UTF-16 BE',
  'windows-1252': "Windows-1252 (the Windows 'ANSI' code page: Excel for Windows' CSV, PowerShell 5's -Encoding Default)",
  macintosh: "Mac Roman (Excel for Mac's 'CSV (Macintosh)')",
};

export const SAVE_AS_UTF8_HINT = 'save it as UTF-8: in Excel, File > Save As > "CSV UTF-8 (Comma delimited)"; in LibreOffice, '
  + 'File > Save As, tick "Edit filter settings", Character set "Unicode (UTF-8)"; in PowerShell, -Encoding UTF8';

/** Scores below this are not text in that code page. */
const MIN_PLAUSIBLE = 1;
/** The winner must beat the other reading by this much (one French letter read right and wrong is 5 or 6). */
const MIN_MARGIN = 3;
/** A known column name decoded right is worth this much (a garbled "catégorie" matches nothing). */
const HEADER_FIELD_WEIGHT = 4;

/** Counts the known course fields named by the header of `text` (CSV); JSON passes none. */
export type HeaderJudge = (decodedSample: string) => number;

function hasBom(sample: Uint8Array): TextEncoding | undefined {
  if (sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) return 'utf-8';
  if (sample[0] === 0xff && sample[1] === 0xfe) return 'utf-16le';
  if (sample[0] === 0xfe && sample[1] === 0xff) return 'utf-16be';
  return undefined;
}

/**
 * UTF-16 without a byte-order mark, recognised by its zero bytes: Latin text in UTF-16 LE has a zero at every
 * odd offset and almost none at even ones (BE the other way round). Needs 8 bytes at least. Returns undefined
 * for anything else (binary data has zeros everywhere).
 */
export function looksLikeUtf16(sample: Uint8Array): 'utf-16le' | 'utf-16be' | undefined {
  const pairs = Math.floor(Math.min(sample.length, 4096) / 2);
  if (pairs < 4) return undefined;
  let evenZeros = 0;
  let oddZeros = 0;
  for (let i = 0; i < pairs * 2; i += 2) {
    if (sample[i] === 0) evenZeros++;
    if (sample[i + 1] === 0) oddZeros++;
  }
  if (oddZeros >= pairs * 0.4 && evenZeros <= pairs * 0.02) return 'utf-16le';
  if (evenZeros >= pairs * 0.4 && oddZeros <= pairs * 0.02) return 'utf-16be';
  return undefined;
}

/** UTF-16 by its byte-order mark (FF FE, FE FF), else by its zero bytes (looksLikeUtf16); undefined otherwise. */
export function utf16Encoding(sample: Uint8Array): 'utf-16le' | 'utf-16be' | undefined {
  if (sample[0] === 0xff && sample[1] === 0xfe) return 'utf-16le';
  if (sample[0] === 0xfe && sample[1] === 0xff) return 'utf-16be';
  return looksLikeUtf16(sample);
}

/** True when every byte is ASCII: the sample then says nothing about the encoding. */
export function isAscii(bytes: Uint8Array): boolean {
  for (const b of bytes) if (b >= 0x80) return false;
  return true;
}

function isValidUtf8Sample(sample: Uint8Array): boolean {
  try {
    // stream: true so that a multi-byte character cut by the end of the sample is not an error.
    new TextDecoder('utf-8', { fatal: true }).decode(sample, { stream: true });
    return true;
  } catch {
    return false;
  }
}

function chardetHint(bytes: Uint8Array): string {
  const guess = chardetGuess(bytes);
  return guess === undefined ? '' : `; it may be ${guess}, which is not read here`;
}

/** chardet's guess of an encoding not read here (its name as chardet writes it), or undefined. */
function chardetGuess(bytes: Uint8Array): string | undefined {
  const guess = chardet.detect(bytes);
  if (guess === null || /^(windows-125[02]|ISO-8859-[12]|UTF-8)$/i.test(guess)) return undefined;
  return guess;
}

interface Reading {
  encoding: 'windows-1252' | 'macintosh';
  plausibility: Plausibility;
  headerFields: number;
  total: number;
}

/**
 * Chooses between Windows-1252 and Mac Roman for bytes that are not UTF-8. `evidence` is the text to judge
 * (the sample, or the lines of a long file that hold non-ASCII bytes); `headerSample` the file's first bytes
 * for `headerJudge`. Throws FileValidationError('unreadable') when the choice is doubtful.
 */
export function chooseSingleByte(evidence: Uint8Array, headerSample: Uint8Array, headerJudge?: HeaderJudge): 'windows-1252' | 'macintosh' {
  const readings: Reading[] = (['windows-1252', 'macintosh'] as const).map((encoding) => {
    const plausibility = scorePlausibility(decodeSingleByte(evidence, encoding));
    const headerFields = headerJudge ? headerJudge(decodeSingleByte(headerSample, encoding)) : 0;
    const total = plausibility.impossible ? -Infinity : plausibility.score + HEADER_FIELD_WEIGHT * headerFields;
    return { encoding, plausibility, headerFields, total };
  });
  readings.sort((a, b) => b.total - a.total);
  const [best, other] = readings as [Reading, Reading];
  const plausible = !best.plausibility.impossible && best.plausibility.score >= MIN_PLAUSIBLE;
  if (plausible && best.total - other.total >= MIN_MARGIN) return best.encoding;
  const why = plausible
    ? `it reads about as well in ${ENCODING_NAMES['windows-1252']} as in ${ENCODING_NAMES.macintosh}`
    : `it is not UTF-8, and neither ${ENCODING_NAMES['windows-1252']} nor ${ENCODING_NAMES.macintosh} gives readable text${chardetHint(evidence)}`;
  const guess = plausible ? undefined : chardetGuess(evidence);
  throw new FileValidationError('unreadable', `the file's text encoding could not be told for sure (tried UTF-8, UTF-16, Windows-1252 and Mac Roman): ${why}; ${SAVE_AS_UTF8_HINT}`, {
    context: plausible ? 'encodingAmbiguous' : guess === undefined ? 'encodingUnknown' : 'encodingUnknownGuess',
    ...(guess === undefined ? {} : { guess }),
  });
}

/**
 * The encoding of a sample (the first 64 KB of a file), by the rules at the top of this file. A pure-ASCII
 * sample says UTF-8 (detectFileEncoding then looks at the rest of the file). Throws FileValidationError
 * ('unreadable') when it stays doubtful.
 */
export function detectSampleEncoding(sample: Uint8Array, headerJudge?: HeaderJudge): DetectedEncoding {
  const bom = hasBom(sample);
  if (bom) return { encoding: bom, bom: true, guessed: false };
  const utf16 = looksLikeUtf16(sample);
  if (utf16) {
    try {
      const text = new TextDecoder(utf16, { fatal: true }).decode(sample.subarray(0, sample.length & ~1));
      if (!scorePlausibility(text).impossible) return { encoding: utf16, bom: false, guessed: true };
    } catch {
      // not valid UTF-16: refused below
    }
    throw new FileValidationError('unreadable', `the file looks like UTF-16 text without a byte-order mark, but does not decode as such; ${SAVE_AS_UTF8_HINT}`, { context: 'utf16NoBom' });
  }
  if (isValidUtf8Sample(sample)) return { encoding: 'utf-8', bom: false, guessed: false };
  return { encoding: chooseSingleByte(sample, sample, headerJudge), bom: false, guessed: true };
}

/** Kept for the tests and callers of the first version: the encoding's name only. */
export function detectCsvEncoding(sample: Buffer): TextEncoding {
  return detectSampleEncoding(sample).encoding;
}

const EVIDENCE_MAX = 32 * 1024;
const EVIDENCE_CONTEXT = 160;

/**
 * Streams a file whose first 64 KB are ASCII: is the rest valid UTF-8, and if not, the lines around its
 * non-ASCII bytes (at most 32 KB of them), to judge the code page on. Reads the file once, and stops early
 * once it is known not to be UTF-8 and enough evidence is gathered.
 */
export async function scanRestOfFile(filePath: string, start: number): Promise<{ utf8: boolean; evidence: Buffer }> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let utf8 = true;
  const pieces: Buffer[] = [];
  let gathered = 0;
  const stream = fs.createReadStream(filePath, { start });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (utf8) {
        try {
          decoder.decode(chunk, { stream: true });
        } catch {
          utf8 = false;
        }
      }
      // Evidence: each run of non-ASCII bytes with up to 160 bytes of its line on either side.
      let i = 0;
      while (gathered < EVIDENCE_MAX && i < chunk.length) {
        let j = i;
        while (j < chunk.length && chunk[j]! < 0x80) j++;
        if (j === chunk.length) break;
        let from = j;
        while (from > 0 && j - from < EVIDENCE_CONTEXT && chunk[from - 1] !== 0x0a && chunk[from - 1] !== 0x0d) from--;
        let to = j;
        while (to < chunk.length && to - j < EVIDENCE_CONTEXT && chunk[to] !== 0x0a && chunk[to] !== 0x0d) to++;
        pieces.push(chunk.subarray(from, to), Buffer.from('\n'));
        gathered += to - from + 1;
        i = Math.max(to, j + 1);
      }
      if (!utf8 && gathered >= EVIDENCE_MAX) break;
    }
    if (utf8) decoder.decode();
  } catch (err) {
    if (err instanceof TypeError) utf8 = false;
    else throw err;
  } finally {
    stream.destroy();
  }
  return { utf8, evidence: Buffer.concat(pieces) };
}

/**
 * The encoding of a whole file. The first 64 KB decide, except when they are pure ASCII and the file is
 * longer: a French export whose first thousand rows happen to have no accent would otherwise be read as
 * UTF-8 and fail on its later "é". Only then is the file read once more, and the lines holding non-ASCII bytes
 * are judged. Throws FileValidationError('unreadable') when the encoding stays doubtful.
 */
export async function detectFileEncoding(filePath: string, sample: Buffer, fileSize: number, headerJudge?: HeaderJudge): Promise<DetectedEncoding> {
  const fromSample = detectSampleEncoding(sample, headerJudge);
  if (fromSample.encoding === 'utf-8' && !fromSample.bom && fileSize > sample.length && isAscii(sample)) {
    const rest = await scanRestOfFile(filePath, sample.length);
    if (rest.utf8) return fromSample;
    return { encoding: chooseSingleByte(rest.evidence, sample, headerJudge), bom: false, guessed: true };
  }
  return fromSample;
}

/** The file warning for an encoding that was guessed, or undefined when the file said its encoding. */
export function encodingWarning(detected: DetectedEncoding): FileWarning | undefined {
  if (!detected.guessed) return undefined;
  const what = detected.encoding.startsWith('utf-16')
    ? `the file is ${ENCODING_NAMES[detected.encoding]} without a byte-order mark`
    : `the file is not UTF-8; read as ${ENCODING_NAMES[detected.encoding]}`;
  const params = { encoding: ENCODING_NAMES[detected.encoding], context: detected.encoding.startsWith('utf-16') ? 'utf16' : 'singleByte' };
  return { code: 'encoding_guessed', params, message: `${what}; check its accents, or save it as UTF-8 to be sure` };
}

/** A byte sequence that is not valid in the file's encoding: `offset` is the byte where it starts. */
export class InvalidBytesError extends Error {
  constructor(readonly offset: number, readonly encoding: TextEncoding) {
    super(`invalid ${ENCODING_NAMES[encoding]} bytes at byte ${offset}`);
  }
}

/** Byte offset of the first invalid UTF-8 sequence in `bytes` (−1 if none): only run once decoding failed. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length;) {
    const b = bytes[i]!;
    const len = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (len === 0) return i;
    if (len > 1) {
      if (i + len > bytes.length) return i;
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(i, i + len));
      } catch {
        return i;
      }
    }
    i += len;
  }
  return -1;
}

/** How many bytes at the end of `bytes` start a UTF-8 sequence that is not complete yet (0–3). */
function incompleteUtf8Tail(bytes: Uint8Array): number {
  for (let k = 1; k <= 3 && k <= bytes.length; k++) {
    const b = bytes[bytes.length - k]!;
    if ((b & 0xc0) === 0x80) continue; // a continuation byte: look further back
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > k ? k : 0;
  }
  return 0;
}

/** A chunk-by-chunk decoder: sequences split across chunks are handled, BOMs dropped, invalid bytes thrown. */
export interface StreamDecoder {
  /** Throws InvalidBytesError. */
  write(chunk: Uint8Array): string;
  end(): string;
}

// Windows-1252 leaves 0x81, 0x8D, 0x8F, 0x90 and 0x9D undefined (iconv-lite decodes them as U+FFFD).
const CP1252_UNDEFINED = [0x81, 0x8d, 0x8f, 0x90, 0x9d];
// Mac Roman's 0xF0 is Apple's logo (a private-use character; iconv-lite gives U+FFFD): never catalogue text.
const MAC_ROMAN_NOT_TEXT = [0xf0];

/**
 * Decodes a single-byte code page with iconv-lite (stateless: every byte is one character). iconv-lite's Mac
 * Roman table is Apple's pre-1998 one, where 0xDB is the currency sign ¤; since Mac OS 8.5 Apple's table
 * (ROMAN.TXT) maps it to €, and that is what Excel for Mac writes for a euro sign.
 */
export function decodeSingleByte(bytes: Uint8Array, encoding: 'windows-1252' | 'macintosh'): string {
  const text = iconv.decode(Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes), encoding);
  return encoding === 'macintosh' && text.includes('\u00a4') ? text.replaceAll('\u00a4', '€') : text;
}

export function createDecoder(encoding: TextEncoding): StreamDecoder {
  let offset = 0;
  if (encoding === 'windows-1252' || encoding === 'macintosh') {
    const invalid = encoding === 'windows-1252' ? CP1252_UNDEFINED : MAC_ROMAN_NOT_TEXT;
    return {
      write(chunk) {
        const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
        for (const b of invalid) {
          const at = buf.indexOf(b);
          if (at >= 0) throw new InvalidBytesError(offset + at, encoding);
        }
        offset += buf.length;
        return decodeSingleByte(buf, encoding);
      },
      end: () => '',
    };
  }
  const decoder = new TextDecoder(encoding, { fatal: true });
  let pending: Uint8Array = new Uint8Array(0);
  return {
    write(chunk) {
      try {
        const text = decoder.decode(chunk, { stream: true });
        offset += chunk.length;
        // An incomplete sequence at the end, which the next chunk completes: kept to locate an error there.
        pending = encoding === 'utf-8' ? chunk.subarray(chunk.length - incompleteUtf8Tail(chunk)) : new Uint8Array(0);
        return text;
      } catch {
        const at = encoding === 'utf-8' ? firstInvalidUtf8(Buffer.concat([pending, chunk])) - pending.length : 0;
        throw new InvalidBytesError(offset + Math.max(0, at), encoding);
      }
    },
    end() {
      try {
        return decoder.decode();
      } catch {
        throw new InvalidBytesError(offset, encoding);
      }
    },
  };
}

/** A Transform from the file's bytes to its text (strings), strict; `skipChars` drops the first characters. */
export function decodingStream(encoding: TextEncoding, skipChars = 0): Transform {
  const decoder = createDecoder(encoding);
  let toSkip = skipChars;
  const skip = (text: string): string => {
    if (toSkip === 0) return text;
    const cut = Math.min(toSkip, text.length);
    toSkip -= cut;
    return text.slice(cut);
  };
  return new Transform({
    decodeStrings: true,
    transform(chunk: Buffer, _enc, done) {
      try {
        done(null, skip(decoder.write(chunk)));
      } catch (err) {
        done(err as Error);
      }
    },
    flush(done) {
      try {
        done(null, skip(decoder.end()));
      } catch (err) {
        done(err as Error);
      }
    },
  });
}

/**
 * The 1-based line of byte `offset` of a file in `encoding` (LF, CRLF or CR line ends), for the message of an
 * InvalidBytesError: reads the file up to that byte once more (this only happens on a refused file).
 */
export async function lineAtByte(filePath: string, offset: number, encoding: TextEncoding): Promise<number> {
  const unit = encoding.startsWith('utf-16') ? 2 : 1;
  const lf = encoding === 'utf-16be' ? 1 : 0; // where the significant byte of a UTF-16 unit sits
  let line = 1;
  let prevCr = false;
  if (offset <= 0) return 1;
  const stream = fs.createReadStream(filePath, { end: offset - 1 });
  let pos = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    for (let i = 0; i < chunk.length; i++, pos++) {
      if (pos % unit !== lf) continue;
      if (unit === 2 && chunk[i + (lf === 0 ? 1 : -1)] !== 0) {
        prevCr = false;
        continue;
      }
      const b = chunk[i];
      if (b === 0x0a) {
        if (!prevCr) line++;
        prevCr = false;
      } else if (b === 0x0d) {
        line++;
        prevCr = true;
      } else prevCr = false;
    }
  }
  return line;
}

/** The FileValidationError for an InvalidBytesError of `filePath`. */
export async function invalidBytesFailure(filePath: string, err: InvalidBytesError): Promise<FileValidationError> {
  const line = await lineAtByte(filePath, err.offset, err.encoding).catch(() => undefined);
  const where = line === undefined ? `at byte ${err.offset}` : `on line ${line}`;
  // `encoding` is a key of importFailures.encodings (its name and where such files come from, in the reader's language).
  return new FileValidationError('unreadable', `the file is read as ${ENCODING_NAMES[err.encoding]} but ${where} it holds bytes that are not valid in that encoding (a file with mixed encodings?); ${SAVE_AS_UTF8_HINT}`,
    line === undefined ? { context: 'invalidBytesAt', encoding: err.encoding, offset: err.offset } : { context: 'invalidBytesLine', encoding: err.encoding, line });
}

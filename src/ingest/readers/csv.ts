// CSV (and TSV) reader. Streams the file: bytes → text (encoding detected on the first 64 KB) → csv-parse
// → one SourceRow per record, keyed by the header's column names.
//
// - Encoding: see encoding.ts (UTF-8 with or without BOM, UTF-16 LE/BE, Windows-1252, Mac Roman; a doubtful
//   file is refused). A guessed encoding is reported as the file warning 'encoding_guessed'.
// - Preamble lines (preamble.ts): Excel's `sep=X` first line sets the delimiter and is skipped; PowerShell's
//   `#TYPE …` first line is skipped with the file warning 'type_line_skipped'.
// - Delimiter (without `sep=`): ",", ";" or tab, chosen on the header line: the one that splits it into the
//   most known course columns, then the most fields (quotes respected). French Excel writes ";".
// - Line endings: LF, CRLF or CR (csv-parse detects them).
// - rowNumber: the line of the file on which the record starts (header = line 1, or 2 after a preamble
//   line, blank lines counted, a quoted value spanning lines counts all of them). Counted here from the
//   records, not from csv-parse's counter, which counts CRLF inside quoted values twice.
// - A record with a different number of fields than the header never fails the file: it is passed on
//   with a FIELD_COUNT_KEY mark and normalisation reports it (more fields: error; fewer: warning).
// - Blank records (only empty or whitespace fields) are skipped.
// - File-level failures: no header / no "title" column (missing_columns), a quote that is never
//   closed or a record over 1 000 000 characters (malformed, with the line), more than maxRows rows,
//   bytes invalid in the file's encoding (unreadable, with the line).

import fs from 'node:fs';
import { stat } from 'node:fs/promises';
import { pipeline } from 'node:stream';
import { parse } from 'csv-parse';
import { FileValidationError, ignoreWarnings, type ReaderLimits, type SourceRow, type WarnFn } from '../../domain/types';
import { canonicalField } from '../../domain/fields';
import { FIELD_COUNT_KEY, type FieldCountMark } from '../../domain/source-marks';
import { createDecoder, decodingStream, detectFileEncoding, encodingWarning, InvalidBytesError, invalidBytesFailure, type TextEncoding } from './encoding';
import { readPreamble } from './preamble';
import { checkFile, tooManyRows } from './file-checks';
import { csvReason, reasonParams } from './parser-reasons';

export const CSV_DELIMITERS = [',', ';', '\t'] as const;
export type CsvDelimiter = (typeof CSV_DELIMITERS)[number];
export const MAX_RECORD_CHARS = 1_000_000;

/** The first non-blank record of `text` (a quoted value may contain line breaks), without its line end. */
export function firstRecord(text: string): string {
  const start = text.search(/[^\r\n]/);
  if (start < 0) return '';
  let inQuotes = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (c === '"') inQuotes = !inQuotes;
    else if (!inQuotes && (c === '\n' || c === '\r')) return text.slice(start, i);
  }
  return text.slice(start);
}

/** Splits one record on `delimiter`, honouring double quotes ("" inside quotes is a quote). */
export function splitRecord(record: string, delimiter: string): string[] {
  const fields: string[] = [];
  let field = '';
  let inQuotes = false;
  for (let i = 0; i < record.length; i++) {
    const c = record[i]!;
    if (inQuotes) {
      if (c === '"' && record[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') inQuotes = false;
      else field += c;
    } else if (c === '"' && field.trim() === '') {
      inQuotes = true;
      field = '';
    } else if (c === delimiter) {
      fields.push(field);
      field = '';
    } else field += c;
  }
  fields.push(field);
  return fields;
}

function chooseDelimiter(header: string): { delimiter: CsvDelimiter; knownFields: number } {
  let best: CsvDelimiter = ',';
  let bestScore: [number, number] = [-1, -1];
  for (const d of CSV_DELIMITERS) {
    const fields = splitRecord(header, d);
    const score: [number, number] = [fields.filter((f) => canonicalField(f) !== undefined).length, fields.length];
    if (score[0] > bestScore[0] || (score[0] === bestScore[0] && score[1] > bestScore[1])) {
      best = d;
      bestScore = score;
    }
  }
  return { delimiter: best, knownFields: bestScore[0] };
}

/** The delimiter of a CSV text's header line (after any preamble line): see the rule at the top. */
export function detectDelimiter(text: string): CsvDelimiter {
  const body = text.replace(/^\uFEFF/, '');
  return chooseDelimiter(firstRecord(body.slice(readPreamble(body).skipChars))).delimiter;
}

/**
 * How many known course fields the header of a decoded sample names (with the best delimiter, or the one of
 * a `sep=` line): the encoding detection's second witness, since a header decoded in the wrong code page
 * ("catŽgorie") names fewer.
 */
export function knownHeaderFields(decodedSample: string): number {
  const body = decodedSample.replace(/^\uFEFF/, '');
  const preamble = readPreamble(body);
  const header = firstRecord(body.slice(preamble.skipChars));
  if (preamble.delimiter !== undefined) return splitRecord(header, preamble.delimiter).filter((f) => canonicalField(f) !== undefined).length;
  return chooseDelimiter(header).knownFields;
}

function countLineBreaks(fields: readonly string[]): number {
  let n = 0;
  fields.forEach((f, i) => {
    // In a file that mixes LF and CRLF, csv-parse (which picked LF) leaves the CR of a CRLF at the end
    // of the last field: that is the record's own line end, not a line inside it.
    const value = i === fields.length - 1 ? f.replace(/\r$/, '') : f;
    n += value.match(/\r\n|\r|\n/g)?.length ?? 0;
  });
  return n;
}

function isBlankRecord(fields: readonly string[]): boolean {
  return fields.every((f) => f.trim() === '');
}

function delimiterName(d: string): string {
  return d === '\t' ? 'tab' : `'${d}'`;
}

/** Decodes the sample for the header and preamble: a character cut by the sample's end is no error. */
function decodeSample(sample: Buffer, encoding: TextEncoding): string {
  try {
    return createDecoder(encoding).write(sample);
  } catch (err) {
    if (err instanceof InvalidBytesError) return '';
    throw err;
  }
}

/**
 * The rows of a CSV file, by the rules at the top of this file. File warnings ('encoding_guessed',
 * 'type_line_skipped') go to `warn`. Throws FileValidationError.
 */
export async function* readCsv(filePath: string, limits: ReaderLimits, warn: WarnFn = ignoreWarnings): AsyncGenerator<SourceRow> {
  const sample = await checkFile(filePath, 'csv', limits);
  const detected = await detectFileEncoding(filePath, sample, (await stat(filePath)).size, knownHeaderFields);
  const { encoding } = detected;
  const text = decodeSample(sample, encoding);
  const preamble = readPreamble(text);
  const delimiter = preamble.delimiter ?? chooseDelimiter(firstRecord(text.slice(preamble.skipChars))).delimiter;
  const guessed = encodingWarning(detected);
  if (guessed) warn(guessed);
  for (const w of preamble.warnings) warn(w);

  const records = pipeline(
    fs.createReadStream(filePath),
    decodingStream(encoding, preamble.skipChars),
    parse({
      delimiter,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: false,
      max_record_size: MAX_RECORD_CHARS,
    }),
    () => {
      // Errors surface through the async iteration below.
    },
  );

  let line = 1 + preamble.lines;
  let header: string[] | undefined;
  let rows = 0;
  try {
    for await (const fields of records as AsyncIterable<string[]>) {
      const startLine = line;
      line += 1 + countLineBreaks(fields);
      if (isBlankRecord(fields)) continue;

      if (header === undefined) {
        header = fields.map((f) => f.trim());
        // A mapping profile's column names count as the fields they feed (issue 12).
        const fieldOf = limits.headerField ?? canonicalField;
        if (!header.some((name) => fieldOf(name) === 'title')) {
          const found = header.filter((h) => h !== '').map((h) => `'${h}'`).join(', ') || 'none';
          const hint = header.length === 1
            ? `; the header was read as a single column — are the columns separated by ',', ';' or tabs?`
            : '';
          throw new FileValidationError(
            'missing_columns',
            `no 'title' column in the header (line ${startLine}, delimiter ${delimiterName(delimiter)}); columns found: ${found}${hint}`,
            // For the reader's language: a tab is named by the catalogue, another delimiter is shown as is.
            { context: header.length === 1 ? 'csvOneColumn' : 'csv', line: startLine, delimiter: delimiter === '\t' ? 'tab' : `'${delimiter}'`, found: found === 'none' ? '—' : found },
          );
        }
        continue;
      }

      rows++;
      if (rows > limits.maxRows) {
        throw tooManyRows(limits.maxRows, 'rows');
      }
      const raw: Record<string, unknown> = {};
      for (let i = 0; i < header.length && i < fields.length; i++) {
        // Empty header cells and repeated names: the first column with a name wins. "__proto__" would set
        // the object's prototype instead of a key, and is no course column anyway.
        const name = header[i]!;
        if (name !== '' && name !== '__proto__' && !Object.hasOwn(raw, name)) raw[name] = fields[i];
      }
      const meaningful = fields.length > header.length && fields.slice(header.length).some((f) => f.trim() !== '');
      if (fields.length < header.length || meaningful) {
        raw[FIELD_COUNT_KEY] = { expected: header.length, actual: fields.length } satisfies FieldCountMark;
      }
      yield { rowNumber: startLine, raw };
    }
  } catch (err) {
    if (err instanceof FileValidationError) throw err;
    if (err instanceof InvalidBytesError) throw await invalidBytesFailure(filePath, err);
    const code = (err as { code?: unknown }).code;
    if (code === 'CSV_QUOTE_NOT_CLOSED') {
      throw new FileValidationError('malformed', `line ${line}: a value opens a double quote that is never closed`, { context: 'csvQuote', line });
    }
    if (code === 'CSV_MAX_RECORD_SIZE') {
      throw new FileValidationError('malformed', `line ${line}: a record is longer than ${MAX_RECORD_CHARS} characters (a double quote that is never closed?)`, {
        context: 'csvRecordSize',
        line,
        max: MAX_RECORD_CHARS,
      });
    }
    // csv-parse's code names the reason; its own words stay in `detail` (technical details, the English log).
    const why = csvReason(err);
    const message = (err as Error).message;
    throw new FileValidationError('unreadable', `the CSV file could not be read: ${message}`, {
      context: why.line === undefined ? 'parser' : 'parserAt',
      format: 'CSV',
      ...(why.line === undefined ? {} : { line: why.line }),
      ...reasonParams(why, message),
    });
  } finally {
    records.destroy();
  }
  if (header === undefined) throw new FileValidationError('empty', 'the file has no header line', { context: 'noHeader' });
  if (rows === 0) throw new FileValidationError('empty', 'the file has a header but no course rows', { context: 'noRows' });
}

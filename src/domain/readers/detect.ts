// Which reader a file gets: by its extension, then a look at its first bytes to catch a file whose name
// lies about its content (an Excel file renamed .csv, a CSV saved as .json) with a message that says so.

import path from 'node:path';
import { FileValidationError, type FileFormat } from '../types';

/** Extension (lower-case, with the dot) → format. ".tsv" is read by the CSV reader, which detects tabs. */
export const ACCEPTED_EXTENSIONS: Readonly<Record<string, FileFormat>> = {
  '.csv': 'csv',
  '.tsv': 'csv',
  '.json': 'json',
  '.xlsx': 'xlsx',
};

const ACCEPTED_LIST = Object.keys(ACCEPTED_EXTENSIONS).join(', ');

export function formatFromFileName(name: string): FileFormat {
  const ext = path.extname(name).toLowerCase();
  const format = ACCEPTED_EXTENSIONS[ext];
  if (format) return format;
  if (ext === '.xls') {
    throw new FileValidationError('unknown_format', `${path.basename(name)}: the old Excel .xls format is not supported; save the workbook as .xlsx (accepted: ${ACCEPTED_LIST})`);
  }
  const what = ext === '' ? 'has no extension' : `has the extension ${ext}`;
  throw new FileValidationError('unknown_format', `${path.basename(name)} ${what}; accepted: ${ACCEPTED_LIST}`);
}

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const EMPTY_ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x05, 0x06]);
// Compound File Binary: legacy .xls / .doc, and also any password-protected .xlsx.
const OLE2_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);

export type HeadKind = 'zip' | 'ole2' | 'utf16' | 'binary' | 'json' | 'text' | 'empty';

function startsWith(head: Buffer, magic: Buffer): boolean {
  return head.length >= magic.length && head.subarray(0, magic.length).equals(magic);
}

/** A coarse look at the first bytes of a file. */
export function sniffHead(head: Buffer): HeadKind {
  if (head.length === 0) return 'empty';
  if (startsWith(head, ZIP_MAGIC) || startsWith(head, EMPTY_ZIP_MAGIC)) return 'zip';
  if (startsWith(head, OLE2_MAGIC)) return 'ole2';
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) return 'utf16';
  if (head.includes(0)) return 'binary';
  let i = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  while (i < head.length && (head[i] === 0x20 || head[i] === 0x09 || head[i] === 0x0a || head[i] === 0x0d)) i++;
  if (i === head.length) return 'empty';
  return head[i] === 0x5b || head[i] === 0x7b ? 'json' : 'text';
}

function preview(head: Buffer): string {
  const text = head.subarray(0, 200).toString('utf8').replace(/^\uFEFF/, '').trimStart();
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  return firstLine.length > 40 ? `${firstLine.slice(0, 40)}…` : firstLine;
}

const DESCRIBE: Record<HeadKind, string> = {
  zip: 'a zip archive (an Excel .xlsx file?)',
  ole2: 'an old-format Office document (.xls, or a password-protected workbook)',
  utf16: 'UTF-16 text',
  binary: 'binary data',
  json: 'JSON',
  text: 'text',
  empty: 'empty',
};

/**
 * Throws FileValidationError('format_mismatch' | 'empty') when the first bytes contradict the format
 * the file name announced. `head` is the first few KB of the file (4 KB is plenty).
 */
export function checkFormatMatchesContent(format: FileFormat, head: Buffer): void {
  const kind = sniffHead(head);
  if (kind === 'empty') throw new FileValidationError('empty', 'the file is empty');
  const mismatch = (what: string) =>
    new FileValidationError('format_mismatch', `the file is named .${format} but its content is ${what}`);
  switch (format) {
    case 'xlsx':
      if (kind === 'zip') return;
      if (kind === 'ole2') throw mismatch(`${DESCRIBE.ole2}; save it as an unprotected .xlsx workbook`);
      if (kind === 'text' || kind === 'json') throw mismatch(`text starting with '${preview(head)}' (a CSV or JSON file?)`);
      throw mismatch(DESCRIBE[kind]);
    case 'json':
      if (kind === 'json') return;
      if (kind === 'text') throw mismatch(`text starting with '${preview(head)}', not a JSON array or object (a CSV file?)`);
      throw mismatch(DESCRIBE[kind]);
    case 'csv':
      // UTF-16 with a byte-order mark is what Excel's "Unicode text" writes; the CSV reader decodes it.
      if (kind === 'text' || kind === 'utf16') return;
      if (kind === 'json' && /^\s*(\[\s*[{\]]|\{\s*")/.test(head.toString('utf8').replace(/^\uFEFF/, ''))) {
        throw mismatch(`JSON (starting with '${preview(head)}'); name it .json`);
      }
      if (kind === 'json') return;
      throw mismatch(DESCRIBE[kind]);
  }
}

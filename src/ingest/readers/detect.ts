// Which reader a file gets: by its extension, then a look at its first bytes to catch a file whose name
// lies about its content (an Excel file renamed .csv, a CSV saved as .json) with a message that says so.

import path from 'node:path';
import { FileValidationError, type FileFormat } from '../../domain/types';
import type { FailureVariant } from '../../domain/failure-variants';
import { looksLikeUtf16, utf16Encoding } from './encoding';

/** Extension (lower-case, with the dot) → format. ".tsv" is read by the CSV reader, which detects tabs. */
export const ACCEPTED_EXTENSIONS: Readonly<Record<string, FileFormat>> = {
  '.csv': 'csv',
  '.tsv': 'csv',
  '.json': 'json',
  '.xlsx': 'xlsx',
  '.xls': 'xls',
  '.ods': 'ods',
  '.xml': 'xml',
  '.yaml': 'yaml',
  '.yml': 'yaml',
  // IMS Common Cartridge 1.1 / 1.3 (issue 13): one course per cartridge (readers/imscc.ts).
  '.imscc': 'imscc',
};

const ACCEPTED_LIST = Object.keys(ACCEPTED_EXTENSIONS).join(', ');

export function formatFromFileName(name: string): FileFormat {
  const ext = path.extname(name).toLowerCase();
  const format = ACCEPTED_EXTENSIONS[ext];
  if (format) return format;
  const what = ext === '' ? 'has no extension' : `has the extension ${ext}`;
  throw new FileValidationError('unknown_format', `${path.basename(name)} ${what}; accepted: ${ACCEPTED_LIST}`, {
    ...(ext === '' ? { context: 'noExtension' } : { context: 'extension', extension: ext }),
    file: path.basename(name),
    accepted: ACCEPTED_LIST,
  });
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
  // UTF-16 without a byte-order mark has zeros too, but at every other byte (encoding.ts). A few NUL bytes in
  // text (a stray one in a title) do not make it binary: the row guard removes them with a warning. Binary formats
  // are full of zeros; more than one in a thousand bytes is taken as binary.
  if (head.includes(0)) {
    if (looksLikeUtf16(head)) return 'utf16';
    let zeros = 0;
    for (const b of head) if (b === 0) zeros++;
    if (zeros > Math.max(1, head.length / 1000)) return 'binary';
  }
  let i = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  while (i < head.length && (head[i] === 0x20 || head[i] === 0x09 || head[i] === 0x0a || head[i] === 0x0d)) i++;
  if (i === head.length) return 'empty';
  return head[i] === 0x5b || head[i] === 0x7b ? 'json' : 'text';
}

/** The text of a UTF-16 head (BOM or not; the BOM dropped), for a look at its first characters. */
function utf16Head(head: Buffer): string {
  return new TextDecoder(utf16Encoding(head) ?? 'utf-16le').decode(head.subarray(0, Math.min(head.length, 400) & ~1)).replace(/^\uFEFF/, '');
}

function preview(head: Buffer): string {
  const text = head.subarray(0, 200).toString('utf8').replace(/^\uFEFF/, '').trimStart();
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  return firstLine.length > 40 ? `${firstLine.slice(0, 40)}…` : firstLine;
}

const DESCRIBE: Record<HeadKind, string> = {
  zip: 'a zip archive (an Excel .xlsx or OpenDocument .ods file?)',
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
  if (kind === 'empty') throw new FileValidationError('empty', 'the file is empty', { context: 'file' });
  // For the reader's language (importFailures.format_mismatch_<context>): the variant, the content's kind (a key of
  // importFailures.contents) and the file's first characters as written.
  const mismatch = (what: string, context: FailureVariant<'format_mismatch'>, params: Record<string, string> = {}) =>
    new FileValidationError('format_mismatch', `the file is named .${format} but its content is ${what}`, { context, format, ...params });
  switch (format) {
    case 'xlsx':
      if (kind === 'zip') return;
      if (kind === 'ole2') throw mismatch(`${DESCRIBE.ole2}; name an old-format workbook .xls, or save a protected one without its password`, 'ole2Xlsx');
      if (kind === 'text' || kind === 'json') throw mismatch(`text starting with '${preview(head)}' (a CSV or JSON file?)`, 'textXlsx', { preview: preview(head) });
      throw mismatch(DESCRIBE[kind], 'content', { content: kind });
    case 'xls':
      // BIFF8 lives in a Compound File (MS-CFB); a password-protected .xlsx does too (SheetJS says so).
      if (kind === 'ole2') return;
      if (kind === 'zip') throw mismatch(`${DESCRIBE.zip}; name it .xlsx or .ods`, 'zipXls');
      if (kind === 'text' || kind === 'json') throw mismatch(`text starting with '${preview(head)}' (a CSV or HTML file saved as .xls?)`, 'textXls', { preview: preview(head) });
      throw mismatch(DESCRIBE[kind], 'content', { content: kind });
    case 'ods':
      // The mimetype entry is checked by the .ods reader (zip-inspect.ts).
      if (kind === 'zip') return;
      if (kind === 'ole2') throw mismatch(`${DESCRIBE.ole2}; name it .xls`, 'ole2Ods');
      if (kind === 'text' || kind === 'json') throw mismatch(`text starting with '${preview(head)}' (a CSV or flat XML file?)`, 'textOds', { preview: preview(head) });
      throw mismatch(DESCRIBE[kind], 'content', { content: kind });
    case 'json':
      if (kind === 'json') return;
      // Windows PowerShell 5 writes JSON as UTF-16 (Out-File, Set-Content -Encoding Unicode): the JSON reader decodes it.
      if (kind === 'utf16' && /^[[{]/.test(utf16Head(head).trimStart())) return;
      if (kind === 'text') throw mismatch(`text starting with '${preview(head)}', not a JSON array or object (a CSV file?)`, 'textJson', { preview: preview(head) });
      throw mismatch(DESCRIBE[kind], 'content', { content: kind });
    case 'xml': {
      // An XML document starts with its declaration or its root element (XML 1.0 §2.1, after an optional BOM
      // and white space); UTF-16 with a byte-order mark is decoded by the XML reader.
      const first = kind === 'utf16' ? utf16Head(head).trimStart() : kind === 'text' ? head.toString('utf8').replace(/^\uFEFF/, '').trimStart() : '';
      if (first.startsWith('<')) return;
      if (kind === 'text' || kind === 'json' || kind === 'utf16') throw mismatch(`text starting with '${preview(head)}', not an XML element (a CSV or JSON file?)`, 'textXml', { preview: preview(head) });
      throw mismatch(DESCRIBE[kind], 'content', { content: kind });
    }
    case 'yaml':
      // JSON is YAML 1.2 (a flow sequence or mapping), so '[' and '{' are fine; UTF-16 is decoded by the reader.
      if (kind === 'text' || kind === 'json' || kind === 'utf16') {
        if (kind !== 'utf16' && /^\s*</.test(head.toString('utf8').replace(/^\uFEFF/, ''))) throw mismatch(`markup starting with '${preview(head)}' (an XML or HTML file?)`, 'markupYaml', { preview: preview(head) });
        return;
      }
      throw mismatch(DESCRIBE[kind], 'content', { content: kind });
    case 'imscc':
      // A cartridge is a zip (IMS CC 1.3 §2.3); its manifest is checked by the cartridge reader.
      if (kind === 'zip') return;
      if (kind === 'text' || kind === 'json') throw mismatch(`text starting with '${preview(head)}', not a zip archive (an imsmanifest.xml on its own?)`, 'textImscc', { preview: preview(head) });
      throw mismatch(DESCRIBE[kind], 'content', { content: kind });
    case 'csv':
      // UTF-16 with a byte-order mark is what Excel's "Unicode text" writes; the CSV reader decodes it.
      if (kind === 'text' || kind === 'utf16') return;
      if (kind === 'json' && /^\s*(\[\s*[{\]]|\{\s*")/.test(head.toString('utf8').replace(/^\uFEFF/, ''))) {
        throw mismatch(`JSON (starting with '${preview(head)}'); name it .json`, 'jsonCsv', { preview: preview(head) });
      }
      if (kind === 'json') return;
      throw mismatch(DESCRIBE[kind], 'content', { content: kind });
  }
}

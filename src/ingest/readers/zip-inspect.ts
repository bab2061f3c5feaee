// Safety check of a zip-based workbook (.xlsx, ECMA-376 Part 2 OPC; .ods, OpenDocument 1.2 Part 3) before
// any XML parser sees it, from the central directory (yauzl, lazyEntries):
// - at most 10 000 entries; no absolute paths and no ".." segments;
// - the sum of the declared uncompressed sizes ≤ limits.maxUncompressedBytes;
// - no entry over 1 MiB uncompressed with a compression ratio above 100 (a zip bomb; small parts are
//   exempt because a few KB of repetitive XML legitimately compress that well and cannot hurt);
// - the shared strings part (every distinct text of the workbook, which the reader keeps in memory while it
//   reads the rows) ≤ MAX_SHARED_STRINGS_BYTES uncompressed, declared and actual: a 10 MB workbook of real
//   text stays well below, and the worker's memory stays bounded whatever the file;
// - every entry is then decompressed as a stream and its actual bytes counted against the same limit,
//   without trusting the headers (yauzl also checks each entry's actual size against its header);
// - XML parts (.xml, .rels, .vml) must not contain "<!DOCTYPE" or "<!ENTITY" (entity expansion and
//   external entities): matched across chunk boundaries, and with NUL bytes removed so UTF-16 XML can't
//   hide them;
// - an .ods must hold the `mimetype` entry of an OpenDocument spreadsheet (OpenDocument 1.2 Part 3 §3.3).
// The .xlsx reader then reads the same archive through yauzl (the central directory, as checked here).
// Known limit: SheetJS reads an .ods with its own zip reader; a file crafted so that its local headers and
// central directory disagree is not detected here.

import yauzl, { type Entry, type ZipFile } from 'yauzl';
import type { FailureParams } from '../../domain/failure-variants';
import { FileValidationError, type ReaderLimits } from '../../domain/types';
import { formatBytes } from './file-checks';
import { reasonParams, zipReason } from './parser-reasons';

export const MAX_ZIP_ENTRIES = 10_000;
export const MAX_COMPRESSION_RATIO = 100;
export const RATIO_CHECK_MIN_BYTES = 1024 * 1024;

/**
 * Refuses an entry over RATIO_CHECK_MIN_BYTES whose declared sizes say it is compressed more than
 * MAX_COMPRESSION_RATIO:1 (a zip bomb), for workbooks and cartridges alike. Throws FileValidationError 'unsafe'.
 */
export function checkCompressionRatio(entry: Pick<Entry, 'fileName' | 'compressedSize' | 'uncompressedSize'>): void {
  const ratio = entry.compressedSize > 0 ? entry.uncompressedSize / entry.compressedSize : entry.uncompressedSize > 0 ? Infinity : 0;
  if (entry.uncompressedSize <= RATIO_CHECK_MIN_BYTES || ratio <= MAX_COMPRESSION_RATIO) return;
  throw new FileValidationError('unsafe', `the entry ${entry.fileName} is compressed ${Number.isFinite(ratio) ? Math.round(ratio) : 'infinitely'}:1 (limit ${MAX_COMPRESSION_RATIO}:1); this looks like a zip bomb`, {
    ...(Number.isFinite(ratio) ? { context: 'ratio', ratio: Math.round(ratio) } : { context: 'ratioInfinite' }),
    name: entry.fileName,
    max: MAX_COMPRESSION_RATIO,
  });
}
export const MAX_SHARED_STRINGS_BYTES = 64 * 1024 * 1024;
const SHARED_STRINGS_PART = 'xl/sharedstrings.xml';
const MIMETYPE_PART = 'mimetype';
export const ODS_MIMETYPE = 'application/vnd.oasis.opendocument.spreadsheet';
const CAPTURE_MAX = 4 * 1024 * 1024;

export interface XlsxInspection {
  entryCount: number;
  uncompressedBytes: number;
  /** The content of the `mimetype` entry (OpenDocument), when there is one. */
  mimetype: string | undefined;
}

// params: for the reader's language (importFailures.unsafe_<context>).
const unsafe = (message: string, params: FailureParams<'unsafe'>) => new FileValidationError('unsafe', message, params);

/** The kind of archive `what` names, a key of importFailures.kinds. */
function archiveKind(what: string): 'xlsx' | 'ods' | 'imscc' {
  return /imscc/.test(what) ? 'imscc' : /ods/.test(what) ? 'ods' : 'xlsx';
}

function isXmlPart(name: string): boolean {
  return /\.(xml|rels|vml)$/i.test(name);
}

function hasUnsafePath(name: string): boolean {
  return name.startsWith('/') || /^[a-zA-Z]:/.test(name) || name.split(/[\\/]/).includes('..');
}

/** Opens a zip archive for reading its central directory entry by entry (yauzl, lazyEntries). */
export function openZip(filePath: string): Promise<ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(filePath, { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: false }, (err, zip) => {
      if (err || !zip) reject(err ?? new Error('cannot open the archive'));
      else resolve(zip);
    });
  });
}

/** The decompressed bytes of one entry, as a stream (yauzl checks the actual size against the header). */
export function openEntry(zip: ZipFile, entry: Entry): Promise<NodeJS.ReadableStream & { destroy(): void }> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (err, stream) => {
      if (err || !stream) reject(err ?? new Error('cannot read an entry'));
      else resolve(stream);
    });
  });
}

/** The entries of the central directory, in order (the zip must be opened with lazyEntries). */
export async function* zipEntries(zip: ZipFile): AsyncGenerator<Entry> {
  for (;;) {
    const next = new Promise<Entry | undefined>((resolve, reject) => {
      const onEntry = (entry: Entry) => { cleanup(); resolve(entry); };
      const onEnd = () => { cleanup(); resolve(undefined); };
      const onError = (e: Error) => { cleanup(); reject(e); };
      const cleanup = () => {
        zip.off('entry', onEntry);
        zip.off('end', onEnd);
        zip.off('error', onError);
      };
      zip.on('entry', onEntry);
      zip.on('end', onEnd);
      zip.on('error', onError);
    });
    zip.readEntry();
    const entry = await next;
    if (!entry) return;
    yield entry;
  }
}

/** Maps a yauzl error to the file-level error a user understands ('unsafe' or 'unreadable'). */
export function mapZipError(err: unknown, what = 'an .xlsx workbook'): FileValidationError {
  if (err instanceof FileValidationError) return err;
  const message = (err as Error)?.message ?? String(err);
  if (/invalid relative path|absolute path|invalid characters in fileName/i.test(message)) {
    return unsafe(`the workbook contains an entry with an unsafe path (${message})`, { context: 'zipPath', detail: message });
  }
  if (/too many bytes|too few bytes|expected \d+/i.test(message)) {
    return unsafe(`an entry of the workbook does not have the size its header declares (${message})`, { context: 'entrySize', detail: message });
  }
  // Told in the reader's language by its reason; the library's words stay in `detail` (technical details, logs).
  return new FileValidationError('unreadable', `the file cannot be read as ${what} (zip): ${message}`, { context: 'zip', kind: archiveKind(what), ...reasonParams(zipReason(message), message) });
}

/**
 * Checks a zip-based workbook as described at the top of this file. `what` names the file in messages
 * ('an .xlsx workbook', 'an .ods spreadsheet'). Throws FileValidationError 'unsafe' (bomb, traversal, DTD,
 * too many entries, too much text) or 'unreadable' (not a zip, encrypted).
 */
export async function inspectXlsx(filePath: string, limits: ReaderLimits, what = 'an .xlsx workbook'): Promise<XlsxInspection> {
  let zip: ZipFile;
  try {
    zip = await openZip(filePath);
  } catch (err) {
    throw mapZipError(err, what);
  }
  let mimetype: string | undefined;
  let declared = 0;
  let actual = 0;
  try {
    if (zip.entryCount > MAX_ZIP_ENTRIES) {
      throw unsafe(`the workbook has ${zip.entryCount} zip entries; at most ${MAX_ZIP_ENTRIES}`, { context: 'entriesWorkbook', count: zip.entryCount, max: MAX_ZIP_ENTRIES });
    }
    const entries = zipEntries(zip);

    for await (const entry of entries) {
      const name = entry.fileName;
      if (hasUnsafePath(name)) throw unsafe(`the workbook contains an entry with an unsafe path: ${name}`, { context: 'pathWorkbook', name });
      if (entry.isEncrypted()) throw new FileValidationError('unreadable', 'the workbook is encrypted; save it without a password', { context: 'encryptedWorkbook' });
      declared += entry.uncompressedSize;
      if (declared > limits.maxUncompressedBytes) {
        throw unsafe(`the workbook would expand to more than ${formatBytes(limits.maxUncompressedBytes)} (a zip bomb?)`, { context: 'zipBombWorkbook', maxBytes: limits.maxUncompressedBytes });
      }
      checkCompressionRatio(entry);
      const sharedStrings = name.toLowerCase() === SHARED_STRINGS_PART;
      const tooManyStrings = () =>
        unsafe(`the workbook's text (${name}) is more than ${formatBytes(MAX_SHARED_STRINGS_BYTES)} uncompressed; split the file`, { context: 'sharedStrings', name, maxBytes: MAX_SHARED_STRINGS_BYTES });
      if (sharedStrings && entry.uncompressedSize > MAX_SHARED_STRINGS_BYTES) throw tooManyStrings();
      if (name.endsWith('/')) continue;

      const xml = isXmlPart(name);
      const capture = name === MIMETYPE_PART;
      const capturedChunks: Buffer[] = [];
      let capturedBytes = 0;
      let tail = '';
      let entryBytes = 0;
      const stream = await openEntry(zip, entry);
      try {
        for await (const chunk of stream as AsyncIterable<Buffer>) {
          actual += chunk.length;
          entryBytes += chunk.length;
          if (sharedStrings && entryBytes > MAX_SHARED_STRINGS_BYTES) throw tooManyStrings();
          if (actual > limits.maxUncompressedBytes) {
            throw unsafe(`the workbook expands to more than ${formatBytes(limits.maxUncompressedBytes)} (a zip bomb?)`, { context: 'zipBombWorkbook', maxBytes: limits.maxUncompressedBytes });
          }
          if (capture && capturedBytes < CAPTURE_MAX) {
            capturedChunks.push(chunk);
            capturedBytes += chunk.length;
          }
          if (!xml) continue;
          const piece = chunk.toString('latin1').replace(/\0/g, '');
          if (/<!\s*(DOCTYPE|ENTITY)/i.test(tail + piece)) {
            throw unsafe(`the workbook part ${name} contains a DOCTYPE or ENTITY declaration, which is not allowed`, { context: 'dtdPart', name });
          }
          tail = piece.slice(-16);
        }
      } finally {
        stream.destroy();
      }
      if (capture) mimetype = Buffer.concat(capturedChunks).toString('latin1').trim();
    }
  } catch (err) {
    throw mapZipError(err, what);
  } finally {
    zip.close();
  }
  return {
    entryCount: zip.entryCount,
    uncompressedBytes: actual,
    mimetype,
  };
}

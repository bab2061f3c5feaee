// Checks every reader does before parsing: the file exists, is within the size limit, is not empty and
// its first bytes match its announced format.

import { open, type FileHandle } from 'node:fs/promises';
import { FileValidationError, type FileFormat, type ReaderLimits } from '../../domain/types';
import { checkFormatMatchesContent } from './detect';

export const SAMPLE_BYTES = 64 * 1024;

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(Math.floor((n / (1024 * 1024)) * 100) / 100).toFixed(2).replace(/\.?0+$/, '')} MB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${n} bytes`;
}

/** The size limit, with a message that stays clear when the file is just over it. */
export function checkSize(size: number, maxBytes: number, label = 'the file'): void {
  if (size <= maxBytes) return;
  const exact = formatBytes(size) === formatBytes(maxBytes) ? ` (${size.toLocaleString('en')} bytes)` : '';
  // Sizes in bytes for the reader's language; `file` is the file's name when the label names it.
  throw new FileValidationError('too_large', `${label} is ${formatBytes(size)}${exact}; the limit is ${formatBytes(maxBytes)}`, {
    size,
    max: maxBytes,
    ...(label === 'the file' ? {} : { context: 'named', file: label }),
  });
}

/** The failure of a file with more than `maxRows` records (ReaderLimits.maxRows), named 'rows' or 'courses'. */
export function tooManyRows(maxRows: number, what: 'rows' | 'courses'): FileValidationError {
  return new FileValidationError('too_many_rows', `more than ${maxRows} ${what}; split the file`, { max: maxRows, context: what });
}

/** Returns the first 64 KB of the file, after the checks. */
export async function checkFile(filePath: string, format: FileFormat, limits: ReaderLimits): Promise<Buffer> {
  let handle: FileHandle;
  try {
    handle = await open(filePath, 'r');
  } catch (err) {
    // The system's own message stays as written (detail); the sentence around it is translated.
    throw new FileValidationError('unreadable', `cannot open the file: ${(err as Error).message}`, { context: 'open', detail: (err as Error).message });
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new FileValidationError('unreadable', 'not a regular file', { context: 'notRegular' });
    checkSize(stat.size, limits.maxFileBytes);
    if (stat.size === 0) throw new FileValidationError('empty', 'the file is empty', { context: 'file' });
    const head = Buffer.alloc(Math.min(SAMPLE_BYTES, stat.size));
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    const sample = head.subarray(0, bytesRead);
    checkFormatMatchesContent(format, sample);
    return sample;
  } finally {
    await handle.close();
  }
}

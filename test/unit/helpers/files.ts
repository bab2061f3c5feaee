import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after } from 'node:test';
import { DEFAULT_READER_LIMITS, type ReaderLimits, type SourceRow } from '../../../src/domain/types';

export const LIMITS: ReaderLimits = { ...DEFAULT_READER_LIMITS, maxFileBytes: 10 * 1024 * 1024, maxRows: 10_000, maxUncompressedBytes: 100 * 1024 * 1024 };

/** A temp folder removed when the test file ends. */
export function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'course-import-test-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function writeFile(dir: string, name: string, content: string | Buffer): string {
  const file = path.join(dir, name);
  writeFileSync(file, content);
  return file;
}

export async function collect(rows: AsyncIterable<SourceRow>): Promise<SourceRow[]> {
  const out: SourceRow[] = [];
  for await (const row of rows) out.push(row);
  return out;
}

/** Runs the reader to completion and returns the FileValidationError it throws (or fails). */
export async function readError(rows: AsyncIterable<SourceRow>): Promise<{ code: string; message: string; rowsBefore: number }> {
  let n = 0;
  try {
    for await (const _ of rows) n++;
  } catch (err) {
    const e = err as { name?: string; code?: string; message: string };
    if (e.name !== 'FileValidationError') throw err;
    return { code: e.code ?? '', message: e.message, rowsBefore: n };
  }
  throw new Error(`expected a FileValidationError, but the reader yielded ${n} rows and ended`);
}

/** Windows-1252 bytes of a string (only the characters the tests use outside Latin-1 are mapped). */
export function cp1252(s: string): Buffer {
  const special: Record<string, number> = { '€': 0x80, 'œ': 0x9c, 'Œ': 0x8c, '’': 0x92, '—': 0x97, '…': 0x85 };
  return Buffer.from(Array.from(s, (c) => {
    const code = special[c] ?? c.charCodeAt(0);
    if (code > 0xff) throw new Error(`no Windows-1252 byte for ${c}`);
    return code;
  }));
}

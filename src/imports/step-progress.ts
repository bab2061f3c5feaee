// Progress inside a step (issue 11): how far the running step is, out of how many rows, for the import's page
// (a progress bar, polled every second) and `course-import FILE --wait`. The workflow's progress query only moves
// between steps; the ledger's counters (imports.rows_parsed / rows_upserted / rows_indexed) are written by the
// long activities as they go (parse per batch, upsert per chunk, index per bulk page), so the two are merged here.
import { open } from 'node:fs/promises';
import type { ActionCounts, Step } from '../contract';
import type { FileFormat } from '../domain/types';

/** The row counters of an import: the workflow's (between steps) or the ledger's (within a step). */
export interface RowCounters {
  parsed: number;
  normalized: number;
  upserted: number;
  indexed: number;
}

/** The running step's progress. `total` null: not known yet (the bar is then indeterminate). */
export interface StepProgress {
  step: 'parse' | 'normalize' | 'upsert' | 'index';
  /** Rows done in this step. */
  done: number;
  total: number | null;
  /** 0..100, whole; null when the total is unknown. */
  percent: number | null;
  /** The total is an estimate (the parse step's, from the file's lines) rather than a count. */
  estimated: boolean;
}

/** Each counter at its furthest: the workflow's view and the ledger's, whichever is ahead (both only grow in a run). */
export function furthest(a: RowCounters, b: RowCounters | null): RowCounters {
  if (!b) return a;
  return {
    parsed: Math.max(a.parsed, b.parsed),
    normalized: Math.max(a.normalized, b.normalized),
    upserted: Math.max(a.upserted, b.upserted),
    indexed: Math.max(a.indexed, b.indexed),
  };
}

function of(step: StepProgress['step'], done: number, total: number | null, estimated = false): StepProgress {
  // An estimate passed (a CSV cell holding line breaks makes fewer rows than lines, never more; but be safe).
  const known = total !== null && total >= done ? total : estimated ? null : done;
  const percent = known === null ? null : known === 0 ? 100 : Math.min(100, Math.floor((done * 100) / known));
  return { step, done, total: known, percent, estimated: estimated && known !== null };
}

/**
 * The progress of the step `step` from the counters and what is known of the totals: the parse step's estimate
 * (`expected`, rows_expected) and the counts the plan computed (rows to write = created + updated). Null for a
 * step without rows to count (moving the file, waiting for a decision, notify, archive, done).
 */
export function stepProgress(step: Step | string | null, c: RowCounters, totals: { expected: number | null | undefined; counts: ActionCounts | null }): StepProgress | null {
  const toWrite = totals.counts ? totals.counts.created + totals.counts.updated : null;
  switch (step) {
    case 'parse':
      return of('parse', c.parsed, totals.expected ?? null, true);
    case 'normalize':
      return of('normalize', c.normalized, c.parsed);
    case 'upsert':
      return of('upsert', c.upserted, toWrite);
    case 'index':
      return of('index', c.indexed, c.upserted || toWrite);
    default:
      return null;
  }
}

/** A compact line for the CLI: "parse 12000/~20000 (60%)", "upsert 3000/20000 (15%)", "parse 12000". */
export function stepProgressLine(p: StepProgress): string {
  if (p.total === null) return `${p.step} ${p.done}`;
  return `${p.step} ${p.done}/${p.estimated ? '~' : ''}${p.total} (${p.percent}%)`;
}

const CHUNK = 64 * 1024;

/**
 * The number of rows a file is expected to hold, read before parsing so that the parse step has a total: for
 * delimited text (csv, which covers tsv), its non-blank lines after the header. An
 * estimate: a quoted cell holding line breaks (RFC 4180 §2.6) makes fewer rows than lines. Null for the other
 * formats (a tree or a workbook has no cheap row count). Reads the file once, in 64 KiB chunks; throws the file
 * system's error (the parse step then fails the way it would have anyway).
 */
export async function estimateRows(format: FileFormat, filePath: string): Promise<number | null> {
  if (format !== 'csv') return null;
  const handle = await open(filePath, 'r');
  try {
    const buf = Buffer.alloc(CHUNK);
    let lines = 0;
    let last = -1;
    let nonBlankTail = false;
    for (;;) {
      const { bytesRead } = await handle.read(buf, 0, CHUNK, null);
      if (bytesRead === 0) break;
      for (let i = 0; i < bytesRead; i++) {
        const b = buf[i]!;
        if (b === 0x0a) {
          // Blank lines hold no row (the readers skip them).
          if (nonBlankTail) lines++;
          nonBlankTail = false;
        } else if (b !== 0x0d && b !== 0x20 && b !== 0x09) nonBlankTail = true;
      }
      last = buf[bytesRead - 1]!;
    }
    if (last === -1) return 0;
    // A last line without its line break is a row too.
    const total = lines + (nonBlankTail ? 1 : 0);
    return Math.max(0, total - 1);
  } finally {
    await handle.close();
  }
}

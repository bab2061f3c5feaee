// What the memory tests share: a large file written line by line, and the readers run over it while this
// process's memory is sampled (node --test runs each test file in its own process, so the figures are the file's).
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { readRows } from '../../../src/ingest/readers';
import type { FileFormat, ReaderLimits } from '../../../src/domain/types';

export const MB = 1024 * 1024;
export const TEN_MB = 10 * MB;

/** Writes the lines as they come (a generator), honouring back-pressure: the file is never held whole. */
export async function writeLines(file: string, lines: Iterable<string>): Promise<void> {
  const out = createWriteStream(file);
  for (const line of lines) if (!out.write(line)) await once(out, 'drain');
  out.end();
  await once(out, 'finish');
}

/**
 * Writes `head`, then items from `item(i)` (i = 0, 1, …) while the file is under 10 MB less 1000 bytes, then
 * `tail`. Returns how many items were written.
 */
export async function writeTenMb(file: string, parts: { head: string; item: (i: number) => string; tail?: string }): Promise<number> {
  let count = 0;
  await writeLines(file, (function* () {
    let bytes = 0;
    yield parts.head;
    while (bytes < TEN_MB - 1000) {
      const line = parts.item(count++);
      bytes += Buffer.byteLength(line);
      yield line;
    }
    if (parts.tail !== undefined) yield parts.tail;
  })());
  return count;
}

/**
 * Reads every row of the file with the real readers, sampling RSS and heap every 10 ms and every 1000 rows.
 * `peak` is the highest RSS; `growth` and `heapGrowth` are the peaks above the values before reading.
 */
export async function peakWhileReading(format: FileFormat, file: string, limits: ReaderLimits): Promise<{ rows: number; peak: number; growth: number; heapGrowth: number }> {
  global.gc?.(); // only with --expose-gc: a lower, steadier baseline
  const baseline = process.memoryUsage();
  let peak = baseline.rss;
  let heapPeak = baseline.heapUsed;
  const sample = () => {
    const m = process.memoryUsage();
    peak = Math.max(peak, m.rss);
    heapPeak = Math.max(heapPeak, m.heapUsed);
  };
  const timer = setInterval(sample, 10);
  let rows = 0;
  try {
    for await (const _ of readRows(format, file, limits)) if (++rows % 1000 === 0) sample();
  } finally {
    clearInterval(timer);
  }
  return { rows, peak, growth: peak - baseline.rss, heapGrowth: heapPeak - baseline.heapUsed };
}

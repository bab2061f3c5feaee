// Reads a file with the real readers and prints {"rows": n, "heapMB": peak} : run in a child process with the
// worker's heap flags by the memory tests, so that a reader that holds too much fails as the worker would.
import { readRows } from '../../../src/ingest/readers';
import { DEFAULT_READER_LIMITS, type FileFormat } from '../../../src/domain/types';

const [format, file] = process.argv.slice(2) as [FileFormat, string];
let rows = 0;
let heap = 0;
for await (const _ of readRows(format, file, { ...DEFAULT_READER_LIMITS, maxRows: 1_000_000 })) {
  if (++rows % 1000 === 0) heap = Math.max(heap, process.memoryUsage().heapUsed);
}
process.stdout.write(`${JSON.stringify({ rows, heapMB: Math.round(heap / 1048576) })}\n`);

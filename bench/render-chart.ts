// npm run bench:chart [-- results.json [out.svg]]: draws the chart again from a results JSON (default
// bench/results/latest.json, written next to it as .svg), without running the benchmark.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { benchChartSvg, chartMetaOf } from './chart';
import type { ResultLine } from './report-types';

/**
 * Reads a results JSON written by bench/run.ts and writes its chart.
 * @throws when the file cannot be read, is not JSON, or has no `results` array.
 */
async function main(): Promise<void> {
  const input = path.resolve(process.argv[2] ?? path.join(import.meta.dirname, 'results', 'latest.json'));
  const output = path.resolve(process.argv[3] ?? input.replace(/\.json$/i, '') + '.svg');
  const parsed: unknown = JSON.parse(await readFile(input, 'utf8'));
  if (!parsed || typeof parsed !== 'object' || !Array.isArray((parsed as { results?: unknown }).results)) {
    throw new Error(`${input} is not a benchmark results file (no "results" array)`);
  }
  const json = parsed as Record<string, unknown> & { results: ResultLine[] };
  await writeFile(output, benchChartSvg(json.results, chartMetaOf(json)));
  process.stdout.write(`chart of ${path.relative(process.cwd(), input)}: ${path.relative(process.cwd(), output)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});

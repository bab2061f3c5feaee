// The results: one table on stdout, the JSON and the SVG chart (bench/chart.ts) in bench/results/.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ResultLine } from './report-types';
import { summarize } from './stats';
import { benchChartSvg, chartMetaOf } from './chart';

const fmt = (v: number, unit: ResultLine['unit']) =>
  !Number.isFinite(v) ? '—' : unit === 'ms' ? (v >= 10_000 ? `${(v / 1000).toFixed(1)} s` : `${Math.round(v)} ms`) : unit === 'MB' ? `${Math.round(v)} MB` : `${v.toFixed(v < 100 ? 1 : 0)} ${unit}`;

/** The worker's peak RSS over a workload's CSV and XLSX imports (MB), against the issues' 300 MB bound. */
export function peakRssLine(workload: string, rssMb: number): ResultLine {
  return { workload, what: 'worker peak RSS, CSV and XLSX', unit: 'MB', value: summarize([rssMb]), target: { text: '≤ 300 MB', met: rssMb <= 300 }, rssMb };
}

export function table(lines: ResultLine[]): string {
  const rows = lines.map((l) => [
    l.workload,
    l.what,
    fmt(l.value.median, l.unit),
    l.value.runs.length > 1 ? `±${l.value.spreadPct.toFixed(0)}%` : '—',
    l.floor ? fmt(l.floor.median, l.unit) : '—',
    l.ratio !== undefined ? `${l.ratio.toFixed(2)}×` : '—',
    l.target ? `${l.target.met ? 'met' : 'NOT met'} (${l.target.text})` : '—',
    l.rssMb !== undefined ? `${Math.round(l.rssMb)} MB` : '—',
  ]);
  const header = ['', 'workload', 'median', 'spread', 'floor', 'ratio', 'target', 'worker RSS'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => '| ' + cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ') + ' |';
  return [line(header), '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|', ...rows.map(line)].join('\n');
}

export async function writeResults(dir: string, meta: Record<string, unknown>, lines: ResultLine[]): Promise<{ json: string; svg: string }> {
  await mkdir(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const json = path.join(dir, `bench-${stamp}.json`);
  const svg = path.join(dir, `bench-${stamp}.svg`);
  await writeFile(json, JSON.stringify({ ...meta, results: lines }, null, 2) + '\n');
  const chart = benchChartSvg(lines, chartMetaOf(meta));
  await writeFile(svg, chart);
  await writeFile(path.join(dir, 'latest.json'), JSON.stringify({ ...meta, results: lines }, null, 2) + '\n');
  await writeFile(path.join(dir, 'latest.svg'), chart);
  return { json, svg };
}

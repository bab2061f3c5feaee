// The results: one table on stdout, the JSON and an SVG chart of each workload's stages in bench/results/.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ResultLine } from './report-types';
import { STAGE_ORDER } from './history';

const fmt = (v: number, unit: ResultLine['unit']) =>
  !Number.isFinite(v) ? '—' : unit === 'ms' ? (v >= 10_000 ? `${(v / 1000).toFixed(1)} s` : `${Math.round(v)} ms`) : unit === 'MB' ? `${Math.round(v)} MB` : `${v.toFixed(v < 100 ? 1 : 0)} ${unit}`;

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

const colors: Record<string, string> = {
  wait: '#bdbdbd', moveToProcessing: '#8d6e63', parse: '#42a5f5', normalize: '#ab47bc', upsert: '#66bb6a',
  index: '#ffa726', notify: '#26c6da', archive: '#78909c', other: '#e0e0e0', floor: '#212121',
};

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** Horizontal bars: each timed workload split into its stages, with its floor drawn as a thin black bar below. */
export function stagesSvg(lines: ResultLine[]): string {
  const timed = lines.filter((l) => l.unit === 'ms' && l.stages);
  const max = Math.max(1, ...timed.map((l) => Math.max(l.value.median, l.floor?.median ?? 0)));
  const left = 330;
  const width = 1000;
  const scale = (width - left - 20) / max;
  const rowH = 46;
  const parts: string[] = [];
  timed.forEach((l, i) => {
    const y = 40 + i * rowH;
    parts.push(`<text x="10" y="${y + 14}" font-size="12">${esc(`${l.workload} ${l.what}`.slice(0, 52))}</text>`);
    let x = left;
    for (const name of STAGE_ORDER) {
      const ms = l.stages?.[name] ?? 0;
      if (ms <= 0) continue;
      const w = ms * scale;
      parts.push(`<rect x="${x.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="18" fill="${colors[name]}"><title>${name}: ${Math.round(ms)} ms</title></rect>`);
      x += w;
    }
    parts.push(`<text x="${(x + 4).toFixed(1)}" y="${y + 14}" font-size="11">${Math.round(l.value.median)} ms</text>`);
    if (l.floor) {
      const w = l.floor.median * scale;
      parts.push(`<rect x="${left}" y="${y + 22}" width="${w.toFixed(1)}" height="6" fill="${colors.floor}"><title>floor (${esc(l.floorWhat ?? '')}): ${Math.round(l.floor.median)} ms</title></rect>`);
    }
  });
  const legendY = 40 + timed.length * rowH + 10;
  [...STAGE_ORDER, 'floor'].forEach((name, i) => {
    const x = 10 + i * 105;
    parts.push(`<rect x="${x}" y="${legendY}" width="12" height="12" fill="${colors[name]}"/><text x="${x + 16}" y="${legendY + 11}" font-size="11">${name}</text>`);
  });
  const height = legendY + 30;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif">
<text x="10" y="22" font-size="15" font-weight="bold">course-import benchmark: stages of each workload (median run)</text>
${parts.join('\n')}
</svg>
`;
}

export async function writeResults(dir: string, meta: Record<string, unknown>, lines: ResultLine[]): Promise<{ json: string; svg: string }> {
  await mkdir(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const json = path.join(dir, `bench-${stamp}.json`);
  const svg = path.join(dir, `bench-${stamp}.svg`);
  await writeFile(json, JSON.stringify({ ...meta, results: lines }, null, 2) + '\n');
  await writeFile(svg, stagesSvg(lines));
  await writeFile(path.join(dir, 'latest.json'), JSON.stringify({ ...meta, results: lines }, null, 2) + '\n');
  await writeFile(path.join(dir, 'latest.svg'), stagesSvg(lines));
  return { json, svg };
}

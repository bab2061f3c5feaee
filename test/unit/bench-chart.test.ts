// The benchmark's chart (bench/chart.ts), read back from the SVG it writes: one panel per workload in the results,
// each on its own scale, every stage written with its time, the floor on its run's scale with the ratio beside it,
// and no text outside its panel's box nor over another text (text widths as the layout estimates them, an estimate
// checked against Chromium's DejaVu Sans to be on the safe side). The fixture is a full run's W1 (real) with W2–W4
// shaped after the README's run and W5–W7 and CAT lines made up in the shapes the issue asks for.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SaxesParser } from 'saxes';
import { benchChartSvg, chartMetaOf, formatValue, textWidth } from '../../bench/chart';
import type { ResultLine } from '../../bench/report-types';

interface Box { x: number; y: number; w: number; h: number }
interface Text extends Box { text: string }
interface Rect extends Box { fill: string; title: string }
interface Group { kind: 'panel' | 'legend'; workload: string; box: Box | null; texts: Text[]; rects: Rect[] }

/** The panels and the legend of a chart, with the box each text takes (baseline y: ascent 0.95, descent 0.25 em). */
function readChart(svg: string): { width: number; height: number; groups: Group[] } {
  const parser = new SaxesParser();
  const groups: Group[] = [];
  let current: Group | null = null;
  let text: { x: number; y: number; size: number; bold: boolean; anchor: string; content: string } | null = null;
  let rect: Rect | null = null;
  let inTitle = false;
  let width = 0;
  let height = 0;
  const num = (v: unknown) => Number(v);
  parser.on('opentag', (node) => {
    const a = node.attributes as Record<string, string>;
    if (node.name === 'svg') [width, height] = [num(a.width), num(a.height)];
    if (node.name === 'g' && (a.class === 'panel' || a.class === 'legend')) {
      current = { kind: a.class, workload: a['data-workload'] ?? '', box: null, texts: [], rects: [] };
      groups.push(current);
    }
    if (node.name === 'rect' && current) {
      const box = { x: num(a.x), y: num(a.y), w: num(a.width), h: num(a.height) };
      if (a.class === 'panel-box' || a.class === 'legend-box') current.box = box;
      else {
        rect = { ...box, fill: a.fill ?? '', title: '' };
        current.rects.push(rect);
      }
    }
    if (node.name === 'title') inTitle = true;
    if (node.name === 'text') text = { x: num(a.x), y: num(a.y), size: num(a['font-size']), bold: a['font-weight'] === 'bold', anchor: a['text-anchor'] ?? 'start', content: '' };
  });
  parser.on('text', (t) => {
    if (text) text.content += t;
    else if (inTitle && rect) rect.title += t;
  });
  parser.on('closetag', (node) => {
    if (node.name === 'title') inTitle = false;
    if (node.name === 'rect') rect = null;
    if (node.name === 'g') current = null;
    if (node.name === 'text' && text) {
      const w = textWidth(text.content, text.size, text.bold);
      const x = text.anchor === 'middle' ? text.x - w / 2 : text.anchor === 'end' ? text.x - w : text.x;
      const t: Text = { text: text.content, x, y: text.y - 0.95 * text.size, w, h: 1.2 * text.size };
      (current as Group | null)?.texts.push(t);
      text = null;
    }
  });
  parser.write(svg).close();
  return { width, height, groups };
}

const inside = (b: Box, outer: Box) => b.x >= outer.x && b.y >= outer.y && b.x + b.w <= outer.x + outer.w && b.y + b.h <= outer.y + outer.h;
const overlap = (a: Box, b: Box) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
const fixture = JSON.parse(readFileSync(path.join(import.meta.dirname, '..', 'fixtures', 'bench', 'all-workloads.json'), 'utf8')) as Record<string, unknown> & { results: ResultLine[] };

/** Every layout rule the chart promises, for the chart of `lines`. */
function assertLegible(svg: string, lines: ResultLine[]): Group[] {
  const { width, height, groups } = readChart(svg);
  const panels = groups.filter((g) => g.kind === 'panel');
  assert.deepEqual(panels.map((p) => p.workload).sort(), [...new Set(lines.map((l) => l.workload))].sort(), 'one panel per workload of the results');
  const legend = groups.find((g) => g.kind === 'legend');
  assert.ok(legend?.box, 'a legend');
  const page = { x: 0, y: 0, w: width, h: height };
  for (const g of groups) {
    assert.ok(g.box && inside(g.box, page), `${g.workload || 'legend'}: its box is on the page`);
    for (const t of g.texts) assert.ok(inside(t, g.box), `${g.workload || 'legend'}: "${t.text}" (${JSON.stringify(t)}) is inside its box ${JSON.stringify(g.box)}`);
    for (const [i, a] of g.texts.entries()) {
      for (const b of g.texts.slice(i + 1)) assert.ok(!overlap(a, b), `${g.workload || 'legend'}: "${a.text}" and "${b.text}" do not overlap`);
    }
    for (const r of g.rects) assert.ok(inside(r, g.box), `${g.workload || 'legend'}: a bar (${r.title}) inside its box`);
  }
  for (const [i, a] of groups.entries()) for (const b of groups.slice(i + 1)) assert.ok(!overlap(a.box!, b.box!), `${a.workload || 'legend'} and ${b.workload || 'legend'} do not overlap`);
  // The legend's swatches and names do not run into each other either.
  const items = [...legend.texts, ...legend.rects];
  for (const [i, a] of items.entries()) for (const b of items.slice(i + 1)) assert.ok(!overlap(a, b), 'legend items apart');
  return panels;
}

test('every workload of a full run gets a panel, in order, every text inside its panel and clear of the others', () => {
  const svg = benchChartSvg(fixture.results, chartMetaOf(fixture));
  const panels = assertLegible(svg, fixture.results);
  assert.deepEqual(panels.map((p) => p.workload), ['W1', 'W2', 'W3', 'W4', 'W5', 'W6', 'W7', 'CAT']);
});

test('each panel on its own scale: W1 is drawn as wide as W2 is, whatever their magnitudes', () => {
  const panels = readChart(benchChartSvg(fixture.results)).groups.filter((g) => g.kind === 'panel');
  const barWidth = (workload: string, title: RegExp) => panels.find((p) => p.workload === workload)!.rects.filter((r) => title.test(r.title)).reduce((s, r) => s + r.w, 0);
  const w1 = barWidth('W1', /^(wait|move|parse|normalize|upsert|index|notify|archive|other)/);
  const w2 = barWidth('W2', /^per-file latency p95/);
  assert.ok(w1 > 0.5 * w2, `W1's stages (${w1.toFixed(0)} px, ~25 s × 4) are not a sliver beside W2's 2-minute latency (${w2.toFixed(0)} px)`);
});

test('each stage is written with its time; the floor is on the scale of the run it bounds, its ratio beside it', () => {
  const line = fixture.results.find((l) => l.workload === 'W1' && l.stages && l.floor)!;
  const w1 = readChart(benchChartSvg(fixture.results)).groups.find((g) => g.workload === 'W1')!;
  const texts = w1.texts.map((t) => t.text);
  const names: Record<string, string> = { wait: 'wait (watcher)', moveToProcessing: 'move', other: 'other (workflow tasks)' };
  for (const [stage, ms] of Object.entries(line.stages!)) assert.ok(texts.includes(`${names[stage] ?? stage} ${formatValue(ms, 'ms')}`), `stage ${stage} written with its time`);
  assert.ok(texts.includes(`floor ${formatValue(line.floor!.median, 'ms')} · ratio ${line.ratio!.toFixed(2)}×`), 'the floor and the ratio beside its bar');
  // The first line's bar: its stage rectangles (in their order) then its floor rectangle.
  const stageCount = Object.values(line.stages!).filter((ms) => ms > 0).length;
  const bar = w1.rects.slice(0, stageCount).reduce((s, r) => s + r.w, 0);
  const floor = w1.rects[stageCount]!;
  assert.match(floor.title, /^floor/);
  assert.ok(Math.abs(floor.w / bar - line.floor!.median / line.value.median) < 0.01, `floor ${floor.w} px against run ${bar} px: the same scale`);
});

test('workloads not measured before (W8), a failed measurement and a one-workload run still lay out', () => {
  const one = (workload: string, what: string, value: number, extra: Partial<ResultLine> = {}): ResultLine => ({
    workload, what, unit: 'ms', value: { median: value, min: value, max: value, spreadPct: 0, runs: [value] }, ...extra,
  });
  const lines: ResultLine[] = [
    one('W8', 'a workload the chart has no title for, with a rather long description that has to wrap over several lines of its label column', 1234, {
      floor: { median: 1000, min: 1000, max: 1000, spreadPct: 0, runs: [1000] }, floorWhat: 'a floor', ratio: 1.234, target: { text: '≤ 1.5× floor', met: true },
      stages: { parse: 400, upsert: 600, aNewStage: 234 },
    }),
    one('W5', 'first import into 1M courses (failed)', Number.NaN),
  ];
  assertLegible(benchChartSvg(lines), lines);
  const latest = lines.slice(1);
  assertLegible(benchChartSvg(latest), latest);
  assert.ok(benchChartSvg(lines).includes('aNewStage 234 ms'), 'a stage the chart does not know is still written with its time');
});

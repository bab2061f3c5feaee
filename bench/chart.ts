// The benchmark's chart (bench/results/*.svg): one panel per workload, each on its own scale, so that W1's
// seconds are not a few pixels beside W2's two-minute latency. In a panel, each measured line is a bar (split
// into the import's stages when it has them, each stage written with its time), its floor a thin dark bar on
// the same scale just below, the ratio and the target written beside and under it. Workloads are whatever the
// results hold (W5, W6, W7… get their panel when they are measured). Plain SVG text, no fonts embedded: the
// layout measures text with a conservative width estimate (textWidth) and wraps or widens rather than clip.
import type { ResultLine } from './report-types';
import { STAGE_ORDER } from './history';

/** The run's description shown under the chart's title (the results JSON's meta, all optional). */
export interface ChartMeta {
  date?: string;
  size?: string;
  runs?: number;
  machine?: { cores?: number; cpu?: string; memGb?: number };
}

/** The ChartMeta fields of a results JSON (or run.ts's meta), those of the wrong type left out. */
export function chartMetaOf(o: Record<string, unknown>): ChartMeta {
  const meta: ChartMeta = {};
  if (typeof o.date === 'string') meta.date = o.date;
  if (typeof o.size === 'string') meta.size = o.size;
  if (typeof o.runs === 'number') meta.runs = o.runs;
  const m = o.machine;
  if (m && typeof m === 'object') {
    const { cores, cpu, memGb } = m as Record<string, unknown>;
    meta.machine = {
      ...(typeof cores === 'number' ? { cores } : {}),
      ...(typeof cpu === 'string' ? { cpu } : {}),
      ...(typeof memGb === 'number' ? { memGb } : {}),
    };
  }
  return meta;
}

const WIDTH = 1100;
const MARGIN = 16;
const PAD = 12;
const LABEL_W = 290;
const FONT = 'DejaVu Sans, Verdana, Arial, sans-serif';

const STAGE_COLORS: Record<string, string> = {
  wait: '#bdbdbd', moveToProcessing: '#8d6e63', parse: '#42a5f5', normalize: '#ab47bc', upsert: '#66bb6a',
  index: '#ffa726', notify: '#26c6da', archive: '#78909c', other: '#e0e0e0',
};
/** Stages the chart does not know yet (a new step) still get a colour of their own. */
const SPARE_COLORS = ['#ef5350', '#ffee58', '#7e57c2', '#26a69a', '#d4e157', '#ec407a'];
const STAGE_NAMES: Record<string, string> = { wait: 'wait (watcher)', moveToProcessing: 'move', other: 'other (workflow tasks)' };
const FLOOR_COLOR = '#212121';
const VALUE_COLOR = '#5c6bc0';
const MET = '#2e7d32';
const MISSED = '#c62828';

/** What each known workload measures, for its panel's title; an unknown one is titled by its name alone. */
const WORKLOAD_TITLES: Record<string, string> = {
  W1: 'one large file (CSV, XLSX): first import, re-import, update',
  W2: 'many small files through the drop folder',
  W3: 'reindex from PostgreSQL while searching',
  W4: 'search and autocomplete under load',
  W5: 'catalogue growth: the W1 file into a large catalogue',
  W6: 'big files: CSV and XLSX at MAX_FILE_MB against files a tenth of their size',
  W7: 'small-file latency and CPU per course',
  CAT: 'auto-categorisation',
};

/**
 * Estimated width in px of `text` in the chart's sans-serif at `size` px: per-character widths of DejaVu Sans
 * (the widest of the usual sans-serif faces; Arial and Helvetica are narrower), rounded up, so that a box
 * computed with it holds the text as any browser draws it.
 */
export function textWidth(text: string, size: number, bold = false): number {
  let em = 0;
  for (const ch of text) {
    if (/[ .,:;'|!()[\]\/ijlItf]/.test(ch)) em += 0.36;
    else if (/[mwMW@%—…→]/.test(ch)) em += 1.0;
    else if (/[A-Z]/.test(ch)) em += 0.76;
    else em += 0.64;
  }
  return em * size * (bold ? 1.1 : 1);
}

/** Words of `text` in lines no wider than `maxWidth` px (a word wider than that is cut between characters). */
export function wrapText(text: string, size: number, maxWidth: number, bold = false): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const candidate = line ? `${line} ${word}` : word;
    if (textWidth(candidate, size, bold) <= maxWidth) {
      line = candidate;
      continue;
    }
    if (line) lines.push(line);
    line = '';
    let rest = word;
    while (textWidth(rest, size, bold) > maxWidth) {
      let n = rest.length - 1;
      while (n > 1 && textWidth(rest.slice(0, n), size, bold) > maxWidth) n--;
      lines.push(rest.slice(0, n));
      rest = rest.slice(n);
    }
    line = rest;
  }
  if (line) lines.push(line);
  return lines.length ? lines : [''];
}

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
const n1 = (v: number) => v.toFixed(1);

/** A value with its unit, short: 445 ms, 3.7 s, 2.1 min, 7.1 files/s, 280 MB; — when not measured. */
export function formatValue(v: number, unit: ResultLine['unit']): string {
  if (!Number.isFinite(v)) return '—';
  if (unit === 'ms') {
    if (v >= 120_000) return `${(v / 60_000).toFixed(1)} min`;
    if (v >= 1000) return `${(v / 1000).toFixed(v >= 10_000 ? 0 : 1)} s`;
    return `${Math.round(v)} ms`;
  }
  if (unit === 'MB') return `${Math.round(v)} MB`;
  return `${v.toFixed(v < 100 ? 1 : 0)} ${unit}`;
}

/** The numbers of a scale from 0 to at least `max`: 1, 2 or 5 × a power of ten, 3 to 6 ticks. */
function ticks(max: number): number[] {
  if (!(max > 0)) return [0];
  const rough = max / 4;
  const pow = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * pow).find((s) => max / s <= 5) ?? 10 * pow;
  const out: number[] = [];
  for (let v = 0; v <= max + step * 1e-9; v += step) out.push(v);
  return out;
}

class Svg {
  readonly parts: string[] = [];
  rect(x: number, y: number, w: number, h: number, attrs: string, title?: string): void {
    const inner = title ? `<title>${esc(title)}</title>` : '';
    this.parts.push(`<rect x="${n1(x)}" y="${n1(y)}" width="${n1(Math.max(0, w))}" height="${n1(h)}" ${attrs}${inner ? `>${inner}</rect>` : '/>'}`);
  }
  /** One line of text; `y` is its baseline. */
  text(x: number, y: number, size: number, text: string, opts: { bold?: boolean; fill?: string; anchor?: 'start' | 'middle' | 'end' } = {}): void {
    const attrs = [`x="${n1(x)}"`, `y="${n1(y)}"`, `font-size="${size}"`];
    if (opts.bold) attrs.push('font-weight="bold"');
    if (opts.fill) attrs.push(`fill="${opts.fill}"`);
    if (opts.anchor && opts.anchor !== 'start') attrs.push(`text-anchor="${opts.anchor}"`);
    this.parts.push(`<text ${attrs.join(' ')}>${esc(text)}</text>`);
  }
  line(x1: number, y1: number, x2: number, y2: number, stroke: string, dash = false): void {
    this.parts.push(`<line x1="${n1(x1)}" y1="${n1(y1)}" x2="${n1(x2)}" y2="${n1(y2)}" stroke="${stroke}" stroke-width="1"${dash ? ' stroke-dasharray="3 3"' : ''}/>`);
  }
}

/** Workloads in reading order: W1, W2, … by number, then the others (CAT) by name. */
function workloadOrder(a: string, b: string): number {
  const na = /^W(\d+)$/.exec(a)?.[1];
  const nb = /^W(\d+)$/.exec(b)?.[1];
  if (na && nb) return Number(na) - Number(nb);
  if (na) return -1;
  if (nb) return 1;
  return a.localeCompare(b);
}

/** A line's stages in the workflow's order, then any stage the chart does not know, with their colours. */
function stagesOf(l: ResultLine, colorOf: (name: string) => string): { name: string; ms: number; color: string }[] {
  const stages = l.stages ?? {};
  const known: readonly string[] = STAGE_ORDER;
  const names = [...STAGE_ORDER.filter((n) => n in stages), ...Object.keys(stages).filter((n) => !known.includes(n))];
  return names.map((name) => ({ name, ms: stages[name] ?? 0, color: colorOf(name) })).filter((s) => s.ms > 0);
}

const stageLabel = (name: string) => STAGE_NAMES[name] ?? name;

interface RowPlan {
  line: ResultLine;
  label: string[];
  /** the target (coloured met / missed) and what the floor is, under the label */
  notes: { text: string; fill: string }[];
  valueText: string;
  floorText: string | null;
  /** the stages' "name time" items, drawn under the bar */
  stageItems: { text: string; color: string }[];
}

const LABEL_SIZE = 12;
const SMALL = 11;
const STAGE_SIZE = 10.5;
const BAR_H = 18;
const FLOOR_H = 7;

/**
 * The chart of a run as an SVG document: a title, the stages' legend, then one panel per workload present in
 * `lines` (each a `<g class="panel" data-workload="…">` whose first child is its box, `<rect class="panel-box">`).
 * Bars of the same unit in a panel share its scale (ticks under them); a floor is drawn on the scale of the run
 * it bounds. Every text element is laid out inside its panel's box (see textWidth).
 */
export function benchChartSvg(lines: ResultLine[], meta: ChartMeta = {}): string {
  const svg = new Svg();
  const spare = new Map<string, string>();
  const colorOf = (name: string) => STAGE_COLORS[name] ?? spare.get(name) ?? (spare.set(name, SPARE_COLORS[spare.size % SPARE_COLORS.length]!), spare.get(name)!);
  const innerW = WIDTH - 2 * MARGIN;
  let y = MARGIN;

  // Title and the run it shows.
  svg.text(MARGIN, y + 16, 16, 'course-import benchmark', { bold: true });
  y += 24;
  const m = meta.machine;
  const about = [
    meta.date ? meta.date.slice(0, 16).replace('T', ' ') + ' UTC' : null,
    meta.size ? `${meta.size} run` : null,
    meta.runs ? `median of ${meta.runs} run${meta.runs > 1 ? 's' : ''}` : null,
    m?.cores ? `${m.cores} cores${m.memGb ? `, ${m.memGb} GB` : ''}` : null,
    'each panel on its own scale; a floor on the scale of the run it bounds',
  ].filter((x): x is string => x !== null).join(' · ');
  for (const l of wrapText(about, SMALL, innerW)) {
    svg.text(MARGIN, y + 12, SMALL, l, { fill: '#424242' });
    y += 15;
  }
  y += 6;

  // The legend: the stages that appear, then the plain value bar and the floor; laid out left to right, wrapped.
  const stageNames: string[] = [];
  for (const l of lines) for (const s of stagesOf(l, colorOf)) if (!stageNames.includes(s.name)) stageNames.push(s.name);
  const legend = [
    ...stageNames.map((n) => ({ name: stageLabel(n), color: colorOf(n) })),
    ...(lines.some((l) => !stagesOf(l, colorOf).length) ? [{ name: 'measured (no stages)', color: VALUE_COLOR }] : []),
    ...(lines.some((l) => l.floor) ? [{ name: 'floor', color: FLOOR_COLOR }] : []),
  ];
  const legendTop = y;
  let lx = MARGIN + PAD;
  let ly = y + PAD;
  const legendParts: (() => void)[] = [];
  for (const item of legend) {
    const w = 14 + textWidth(item.name, SMALL) + 18;
    if (lx + w > MARGIN + innerW - PAD && lx > MARGIN + PAD) {
      lx = MARGIN + PAD;
      ly += 18;
    }
    const [x, yy] = [lx, ly];
    legendParts.push(() => {
      svg.rect(x, yy, 11, 11, `fill="${item.color}"`);
      svg.text(x + 15, yy + 10, SMALL, item.name);
    });
    lx += w;
  }
  const legendH = ly + 11 + PAD - legendTop;
  svg.parts.push('<g class="legend">');
  svg.rect(MARGIN, legendTop, innerW, legendH, 'class="legend-box" fill="#fafafa" stroke="#e0e0e0"');
  for (const draw of legendParts) draw();
  svg.parts.push('</g>');
  y += legendH + 10;

  const byWorkload = new Map<string, ResultLine[]>();
  for (const l of lines) byWorkload.set(l.workload, [...(byWorkload.get(l.workload) ?? []), l]);
  for (const workload of [...byWorkload.keys()].sort(workloadOrder)) {
    y = panel(svg, workload, byWorkload.get(workload)!, y, colorOf) + 10;
  }

  const height = Math.ceil(y + MARGIN - 10);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="${FONT}">
<rect x="0" y="0" width="${WIDTH}" height="${height}" fill="#ffffff"/>
${svg.parts.join('\n')}
</svg>
`;
}

/** Draws one workload's panel from `top`; returns its bottom. */
function panel(svg: Svg, workload: string, lines: ResultLine[], top: number, colorOf: (name: string) => string): number {
  const x0 = MARGIN;
  const innerW = WIDTH - 2 * MARGIN;
  const barX = x0 + PAD + LABEL_W + PAD;
  const barRight = x0 + innerW - PAD;
  const barAreaW = barRight - barX;

  const plans: RowPlan[] = lines.map((l) => {
    const ratio = l.ratio !== undefined && Number.isFinite(l.ratio) ? `${l.ratio.toFixed(2)}×` : null;
    const floorText = l.floor ? `floor ${formatValue(l.floor.median, l.unit)}${ratio ? ` · ratio ${ratio}` : ''}` : null;
    const spread = l.value.runs.length > 1 ? ` ±${l.value.spreadPct.toFixed(0)}%` : '';
    const valueText = `${formatValue(l.value.median, l.unit)}${spread}${!l.floor && ratio ? ` · ratio ${ratio}` : ''}`;
    const targetText = l.target ? `target ${l.target.text}: ${l.target.met ? 'met' : 'NOT met'}` : null;
    const floorWhat = l.floor && l.floorWhat ? `floor: ${l.floorWhat}` : null;
    return {
      line: l,
      label: wrapText(l.what, LABEL_SIZE, LABEL_W),
      notes: [
        ...(targetText ? wrapText(targetText, SMALL, LABEL_W).map((text) => ({ text, fill: l.target?.met ? MET : MISSED })) : []),
        ...(floorWhat ? wrapText(floorWhat, SMALL, LABEL_W).map((text) => ({ text, fill: '#616161' })) : []),
      ],
      valueText,
      floorText,
      stageItems: stagesOf(l, colorOf).map((s) => ({ text: `${stageLabel(s.name)} ${formatValue(s.ms, 'ms')}`, color: s.color })),
    };
  });

  // The panel's scales: consecutive lines of one unit and of magnitudes within 10× of each other share one (a
  // search's 60 ms is not drawn as a sliver beside an import's 27 s); a floor is always on its line's scale. Each
  // scale is the largest at which every bar's label still fits to its right.
  const rowMax = (p: RowPlan) => Math.max(...[p.line.value.median, p.line.floor?.median ?? 0].filter((v) => Number.isFinite(v) && v > 0), 0);
  const groups: { unit: ResultLine['unit']; rows: number[]; px: number; max: number }[] = [];
  plans.forEach((p, i) => {
    const g = groups.at(-1);
    const m = rowMax(p);
    const lo = g ? Math.min(...g.rows.map((r) => rowMax(plans[r]!)).filter((v) => v > 0), m || Infinity) : 0;
    const hi = g ? Math.max(g.max, m) : 0;
    if (g && g.unit === p.line.unit && (m === 0 || g.max === 0 || hi / lo <= 10)) {
      g.rows.push(i);
      g.max = hi;
    } else groups.push({ unit: p.line.unit, rows: [i], px: 0, max: m });
  });
  for (const g of groups) {
    let px = Infinity;
    for (const p of g.rows.map((r) => plans[r]!)) {
      const v = p.line.value.median;
      const f = p.line.floor?.median;
      if (Number.isFinite(v) && v > 0) px = Math.min(px, (barAreaW - 6 - textWidth(p.valueText, SMALL, true)) / v);
      if (p.floorText && f !== undefined && Number.isFinite(f) && f > 0) px = Math.min(px, (barAreaW - 6 - textWidth(p.floorText, SMALL)) / f);
    }
    g.px = Number.isFinite(px) ? Math.max(px, 0) : 0;
  }
  const groupOf = (i: number) => groups.find((g) => g.rows.includes(i))!;

  const parts: (() => void)[] = [];
  let y = top + PAD;
  const title = WORKLOAD_TITLES[workload];
  const heading = wrapText(title ? `${workload} · ${title}` : workload, 14, innerW - 2 * PAD, true);
  for (const h of heading) {
    const yy = y + 14;
    parts.push(() => svg.text(x0 + PAD, yy, 14, h, { bold: true }));
    y += 19;
  }
  y += 4;

  plans.forEach((p, i) => {
    const unit = p.line.unit;
    const scale = groupOf(i);
    if (i > 0 && groupOf(i - 1) !== scale) {
      const yy = y - 4;
      parts.push(() => svg.line(x0 + PAD, yy, barRight, yy, '#e0e0e0', true));
      y += 4;
    }
    const rowTop = y;
    // Left: the line's name, then its target and what its floor is.
    let left = rowTop;
    for (const t of p.label) {
      const yy = left + 12;
      parts.push(() => svg.text(x0 + PAD, yy, LABEL_SIZE, t));
      left += 15;
    }
    for (const note of p.notes) {
      const yy = left + 11;
      parts.push(() => svg.text(x0 + PAD, yy, SMALL, note.text, { fill: note.fill }));
      left += 14;
    }

    // Right: the bar (its stages, each with its time), the floor below on the same scale, the ratio beside it.
    let right = rowTop;
    const v = p.line.value.median;
    const stages = stagesOf(p.line, colorOf);
    const barY = right;
    if (Number.isFinite(v) && v > 0) {
      const total = stages.reduce((s, x) => s + x.ms, 0);
      if (stages.length && total > 0) {
        // The stages fill the median's bar in proportion (their medians need not add up to the median exactly).
        let x = barX;
        for (const s of stages) {
          const w = (s.ms / total) * v * scale.px;
          const [sx, label] = [x, formatValue(s.ms, 'ms')];
          parts.push(() => {
            svg.rect(sx, barY, w, BAR_H, `fill="${s.color}"`, `${stageLabel(s.name)}: ${label}`);
            if (textWidth(label, STAGE_SIZE) + 6 <= w) svg.text(sx + w / 2, barY + 13, STAGE_SIZE, label, { anchor: 'middle', fill: s.name === 'parse' || s.name === 'moveToProcessing' || s.name === 'normalize' ? '#ffffff' : '#212121' });
          });
          x += w;
        }
      } else {
        const w = v * scale.px;
        parts.push(() => svg.rect(barX, barY, w, BAR_H, `fill="${VALUE_COLOR}"`, `${p.line.what}: ${p.valueText}`));
      }
      const end = barX + v * scale.px;
      parts.push(() => svg.text(end + 6, barY + 13, SMALL, p.valueText, { bold: true }));
    } else {
      parts.push(() => svg.text(barX, barY + 13, SMALL, `${p.valueText} (not measured)`, { bold: true }));
    }
    right += BAR_H + 3;

    const f = p.line.floor?.median;
    if (p.floorText && f !== undefined) {
      const fy = right;
      const fw = Number.isFinite(f) ? f * scale.px : 0;
      const text = p.floorText;
      parts.push(() => {
        svg.rect(barX, fy, fw, FLOOR_H, `fill="${FLOOR_COLOR}"`, `floor (${p.line.floorWhat ?? ''}): ${formatValue(f, unit)}`);
        svg.text(barX + fw + 6, fy + 8, SMALL, text, { fill: FLOOR_COLOR });
      });
      right += FLOOR_H + 6;
    }

    // Each stage with its time, in the bar's order, wrapped under it (the bar's segments are often too narrow).
    if (p.stageItems.length) {
      let sx = barX;
      let sy = right;
      const rows: (() => void)[] = [];
      for (const item of p.stageItems) {
        const w = 12 + textWidth(item.text, STAGE_SIZE) + 12;
        if (sx + w > barRight && sx > barX) {
          sx = barX;
          sy += 15;
        }
        const [ix, iy] = [sx, sy];
        rows.push(() => {
          svg.rect(ix, iy + 2, 9, 9, `fill="${item.color}"`);
          svg.text(ix + 12, iy + 10, STAGE_SIZE, item.text, { fill: '#424242' });
        });
        sx += w;
      }
      parts.push(...rows);
      right = sy + 15;
    }

    y = Math.max(left, right) + (i < plans.length - 1 ? 10 : 4);
    // The scale under its last bar: ticks at round values, in one unit (ms, s or min for times).
    if (scale.rows.at(-1) === i && scale.max > 0 && scale.px > 0) {
      const axisY = y;
      const [div, suffix] = unit !== 'ms' ? [1, unit] : scale.max >= 120_000 ? [60_000, 'min'] : scale.max >= 1000 ? [1000, 's'] : [1, 'ms'];
      const marks = ticks(scale.max / div).map((tv) => tv * div).filter((tv) => tv * scale.px <= barAreaW - 6);
      const label = (tv: number) => (tv === 0 ? '0' : `${Number((tv / div).toPrecision(6))} ${suffix}`);
      parts.push(() => {
        svg.line(barX, axisY, barX + Math.max(...marks.map((tv) => tv * scale.px)), axisY, '#9e9e9e');
        for (const tv of marks) {
          const tx = barX + tv * scale.px;
          svg.line(tx, axisY, tx, axisY + 4, '#9e9e9e');
          // Anchored so that the first and last labels stay in the bar area.
          const anchor = tv === 0 ? 'start' : tx + textWidth(label(tv), 10) / 2 > barRight ? 'end' : 'middle';
          svg.text(tx, axisY + 15, 10, label(tv), { fill: '#757575', anchor });
        }
        if (groups.length > 1) svg.text(barX - 6, axisY + 15, 10, `scale (${suffix})`, { fill: '#757575', anchor: 'end' });
      });
      y += 22;
    }
  });

  const bottom = y + PAD - 4;
  svg.parts.push(`<g class="panel" data-workload="${esc(workload)}">`);
  svg.rect(x0, top, innerW, bottom - top, 'class="panel-box" fill="none" stroke="#bdbdbd" rx="4"');
  for (const draw of parts) draw();
  svg.parts.push('</g>');
  return bottom;
}

// Server-rendered SVG charts: geometry computed here, drawn by the template with attributes only (the CSP
// forbids inline styles), colours from the .tone-* classes of app.css. Each chart has a table fallback.

export interface ChartSeries {
  key: string;
  label: string;
  tone: string;
  values: number[];
}

export interface BarRect {
  x: number;
  y: number;
  width: number;
  height: number;
  tone: string;
  title: string;
}

export interface StackedChart {
  width: number;
  height: number;
  label: string;
  max: number;
  bars: BarRect[];
  xLabels: { x: number; y: number; text: string }[];
  yTicks: { y: number; text: string }[];
  baseline: number;
  left: number;
  right: number;
}

/** A stacked bar per category (day), one segment per series. */
export function stackedBars(categories: string[], series: ChartSeries[], opts: { label: string; width?: number; height?: number }): StackedChart {
  const width = opts.width ?? 720;
  const height = opts.height ?? 220;
  const left = 34;
  const right = width - 8;
  const top = 10;
  const baseline = height - 28;
  const totals = categories.map((_, i) => series.reduce((a, s) => a + (s.values[i] ?? 0), 0));
  const rawMax = Math.max(1, ...totals);
  // A round top for the scale: 1, 2, 5, 10, 20, 50…
  const step = [1, 2, 5].flatMap((m) => [1, 10, 100, 1000, 10000].map((p) => m * p)).sort((a, b) => a - b).find((s) => s * 4 >= rawMax) ?? rawMax;
  const max = step * 4;
  const slot = (right - left) / Math.max(1, categories.length);
  const barWidth = Math.max(4, slot * 0.7);
  const scale = (baseline - top) / max;
  const bars: BarRect[] = [];
  categories.forEach((cat, i) => {
    let y = baseline;
    for (const s of series) {
      const v = s.values[i] ?? 0;
      if (v <= 0) continue;
      const h = v * scale;
      y -= h;
      bars.push({ x: round(left + i * slot + (slot - barWidth) / 2), y: round(y), width: round(barWidth), height: round(h), tone: s.tone, title: `${cat}: ${v} ${s.label.toLowerCase()}` });
    }
  });
  const xLabels = categories.map((c, i) => ({ x: round(left + i * slot + slot / 2), y: height - 10, text: c.slice(5) }));
  const yTicks = [0, 1, 2, 3, 4].map((k) => ({ y: round(baseline - k * step * scale), text: String(k * step) }));
  return { width, height, label: opts.label, max, bars, xLabels, yTicks, baseline, left, right };
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

// CAT: the auto-categorisation model of issue 14, measured on a held-out split of the hand-written evaluation set
// (test/fixtures/categorisation/): quality figures beside the majority-class baseline, training time, prediction
// time per 1,000 rows, and the time prediction adds to a 25k-row import (compared with W1's first import when
// this run measured it). In process: no service is needed.
import { loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { readEvaluationSet } from '../src/categorise/evaluation-set';
import { evaluate, type Evaluation } from '../src/categorise/evaluate';
import { DEFAULT_TRAIN, METHODS, predict, predictProba, rng, stratifiedSplit, train, type LabelledCourse, type TrainOptions } from '../src/categorise/model';
import { courseStream } from '../test/support/generate';
import { median, summarize } from './stats';
import type { BenchContext, ResultLine } from './report-types';

/** The split the figures are given on: a fifth of each category held out, seeded so every run compares. */
const HELD_OUT = 0.2;
const SPLIT_SEED = 14;
const IMPORT_ROWS = 25_000;

/** The configurations the benchmark compares: the default first, then every method, then the previous default. */
export const CONFIGS: { name: string; options: Partial<TrainOptions> }[] = [
  { name: `ensemble ${DEFAULT_TRAIN.ensemble.join('+')} (default)`, options: {} },
  ...METHODS.filter((m) => m !== 'ensemble').map((method) => ({
    name: method,
    // The SVM's regularisation as cross-validation chose it (the default 1e-4 is logistic regression's).
    options: method === 'svm' ? { method, l2: 0.01 } : { method },
  })),
  { name: 'ensemble nb+logreg', options: { method: 'ensemble', ensemble: ['nb', 'logreg'] } },
  { name: 'ensemble cnb+logreg', options: { method: 'ensemble', ensemble: ['cnb', 'logreg'] } },
  {
    name: 'nb, previous features (3-5-grams, per-feature TF, min df 2)',
    options: {
      method: 'nb',
      minDocFreq: 2,
      alpha: 0.05,
      features: { charNgrams: [3, 4, 5], wordBigrams: true, titleWeight: 2, skipNumbers: false, charWeight: 1, perWordTf: false },
    },
  },
];

export const SWEEP = [0.5, 0.6, 0.7, 0.8] as const;

export interface CategorisationFigures {
  name: string;
  options: Partial<TrainOptions>;
  /** 5-fold cross-validation on the training part (what the choice was made on). */
  cv: CrossValidation;
  /** The held-out part, measured once, at each threshold of {@link SWEEP}. */
  heldOut: Evaluation[];
  /** The held-out part at the threshold asked for (the configured AUTO_CATEGORY_THRESHOLD). */
  atThreshold: Evaluation;
  trainMs: number;
  predictMsPer1000: number;
  trainedOn: number;
}

/** Cross-validates a configuration on the training part, then trains on it and evaluates on the held-out part. */
export function measureConfig(name: string, options: Partial<TrainOptions>, runs: number, threshold = 0.5): CategorisationFigures {
  const { courses } = readEvaluationSet();
  const { train: part, test } = stratifiedSplit(courses, HELD_OUT, SPLIT_SEED);
  const cv = crossValidate(part, options, 5, 7, SWEEP);
  const trainMs: number[] = [];
  const predictMs: number[] = [];
  let heldOut: Evaluation[] = [];
  let atThreshold: Evaluation | null = null;
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    const m = train(part, options);
    trainMs.push(performance.now() - t0);
    // Timed on a fresh model (cold caches), the held-out courses twice over: a first file's cost.
    const t1 = performance.now();
    for (const c of [...test, ...test]) predict(m, c.text);
    predictMs.push(((performance.now() - t1) / (2 * test.length)) * 1000);
    heldOut = SWEEP.map((th) => evaluate(m, test, part.map((p) => p.categoryId), th));
    atThreshold = evaluate(m, test, part.map((p) => p.categoryId), threshold);
  }
  return { name, options, cv, heldOut, atThreshold: atThreshold!, trainMs: median(trainMs), predictMsPer1000: median(predictMs), trainedOn: part.length };
}

/** The figures as a Markdown table (the README's), one row per configuration. */
export function markdownTable(figures: readonly CategorisationFigures[]): string {
  const f2 = (x: number): string => x.toFixed(3);
  const head = `| method | CV accuracy (5-fold, ± sd) | held-out accuracy | macro-F1 | ${SWEEP.map((t) => `coverage / accuracy when covered at ${t}`).join(' | ')} | training | prediction per 1,000 rows |`;
  const rule = `|${'---|'.repeat(6 + SWEEP.length)}`;
  const rows = figures.map((f) => {
    const e = f.heldOut[0]!;
    return `| ${f.name} | ${f2(f.cv.accuracy)} ± ${f.cv.accuracySd.toFixed(3)} | ${f2(e.accuracy)} | ${f2(e.macroF1)} | ${f.heldOut
      .map((h) => `${h.coverage.toFixed(2)} / ${f2(h.coveredAccuracy)}`)
      .join(' | ')} | ${(f.trainMs / 1000).toFixed(2)} s | ${f.predictMsPer1000.toFixed(0)} ms |`;
  });
  const cvRows = figures.map((f) => `| ${f.name} | ${f.cv.thresholds.map((t) => `${t.coverage.toFixed(2)} / ${f2(t.coveredAccuracy)}`).join(' | ')} |`);
  return [
    head,
    rule,
    ...rows,
    '',
    `Cross-validation, out-of-fold (coverage / accuracy when covered):`,
    '',
    `| method | ${SWEEP.map((t) => `at ${t}`).join(' | ')} |`,
    `|${'---|'.repeat(1 + SWEEP.length)}`,
    ...cvRows,
  ].join('\n');
}

/** Out-of-fold figures of one training configuration (k-fold cross-validation on the training part only). */
export interface CrossValidation {
  folds: number;
  /** Mean over the folds of each fold's accuracy. */
  accuracy: number;
  /** Standard deviation of the folds' accuracies. */
  accuracySd: number;
  macroF1: number;
  /** Per threshold: share of the out-of-fold predictions at or above it, and their accuracy. */
  thresholds: { threshold: number; coverage: number; coveredAccuracy: number }[];
}

/**
 * Stratified k-fold cross-validation of `options` on `items` (seeded): each course is predicted once by a model
 * that did not learn it. This is how methods and settings are chosen, so that the held-out split is measured
 * once, never tuned on. Throws like `train` when a fold has fewer than two categories.
 */
export function crossValidate(
  items: readonly LabelledCourse[],
  options: Partial<TrainOptions>,
  folds = 5,
  seed = 7,
  thresholds: readonly number[] = [0.5, 0.6, 0.7, 0.8],
): CrossValidation {
  // Fold of each course: per category, a seeded shuffle dealt round-robin, so every fold has every category.
  const fold = new Map<LabelledCourse, number>();
  const byClass = new Map<number, LabelledCourse[]>();
  for (const it of items) byClass.set(it.categoryId, [...(byClass.get(it.categoryId) ?? []), it]);
  const rand = rng(seed);
  let deal = 0;
  for (const cls of [...byClass.keys()].sort((a, b) => a - b)) {
    const group = [...byClass.get(cls)!];
    for (let i = group.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [group[i], group[j]] = [group[j]!, group[i]!];
    }
    for (const it of group) fold.set(it, deal++ % folds);
  }
  const accs: number[] = [];
  const f1s: number[] = [];
  const pooled: { conf: number; ok: boolean }[] = [];
  for (let f = 0; f < folds; f++) {
    const part = items.filter((it) => fold.get(it) !== f);
    const held = items.filter((it) => fold.get(it) === f);
    const m = train(part, options);
    const e = evaluate(m, held, part.map((p) => p.categoryId), 0);
    accs.push(e.accuracy);
    f1s.push(e.macroF1);
    for (const h of held) {
      const p = predictProba(m, h.text);
      if (!p) {
        pooled.push({ conf: 0, ok: false });
        continue;
      }
      let best = 0;
      for (let k = 1; k < p.length; k++) if (p[k]! > p[best]!) best = k;
      pooled.push({ conf: p[best]!, ok: m.data.classes[best] === h.categoryId });
    }
  }
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  const acc = mean(accs);
  return {
    folds,
    accuracy: acc,
    accuracySd: Math.sqrt(mean(accs.map((a) => (a - acc) ** 2))),
    macroF1: mean(f1s),
    thresholds: thresholds.map((threshold) => {
      const covered = pooled.filter((p) => p.conf >= threshold);
      return {
        threshold,
        coverage: covered.length / pooled.length,
        coveredAccuracy: covered.length === 0 ? 1 : covered.filter((p) => p.ok).length / covered.length,
      };
    }),
  };
}

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

/**
 * The CAT lines: one per method (the default first), the threshold sweep of the default method, and the 25k-row
 * prediction time against W1's first import (`w1` = its median ms and row count, when W1 ran).
 */
export function runCategorisation(ctx: BenchContext, threshold: number, w1: { ms: number; rows: number } | null): ResultLine[] {
  const lines: ResultLine[] = [];
  const runs = ctx.quick ? 1 : ctx.runs;
  // --quick (run by npm test) measures the default only: the comparison of methods is the full run's.
  const figures = (ctx.quick ? CONFIGS.slice(0, 1) : CONFIGS).map((c) => measureConfig(c.name, c.options, runs, threshold));
  for (const f of figures) {
    const e = f.atThreshold;
    ctx.log(`CAT ${f.name}: accuracy ${pct(e.accuracy)}, macro-F1 ${pct(e.macroF1)}, coverage@${threshold} ${pct(e.coverage)}, covered accuracy ${pct(e.coveredAccuracy)}`);
    lines.push({
      workload: 'CAT',
      what: `${f.name}: train on ${f.trainedOn} courses`,
      unit: 'ms',
      value: summarize([f.trainMs]),
      target: { text: 'accuracy ≥ 0.85, covered ≥ 0.90', met: e.accuracy >= 0.85 && e.coveredAccuracy >= 0.9 },
      notes: [
        `5-fold cross-validation on the training part: accuracy ${f.cv.accuracy.toFixed(3)} ± ${f.cv.accuracySd.toFixed(3)}`,
        `held-out ${e.n} courses: accuracy ${e.accuracy.toFixed(3)}, macro-F1 ${e.macroF1.toFixed(3)}, majority-class baseline ${e.majorityBaseline.toFixed(3)}`,
        `threshold ${threshold}: coverage ${e.coverage.toFixed(3)}, accuracy on covered ${e.coveredAccuracy.toFixed(3)}; calibration error ${e.calibrationError.toFixed(3)}`,
        `prediction ${f.predictMsPer1000.toFixed(1)} ms per 1,000 rows`,
      ],
    });
  }

  // The threshold sweep: what each candidate default would give (coverage against accuracy on what is covered).
  const { courses } = readEvaluationSet();
  const { train: part, test } = stratifiedSplit(courses, HELD_OUT, SPLIT_SEED);
  const model = train(part);
  const sweep = [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95].map((th) => {
    const e = evaluate(model, test, part.map((p) => p.categoryId), th);
    return `${th}: coverage ${e.coverage.toFixed(2)}, covered accuracy ${e.coveredAccuracy.toFixed(3)}`;
  });

  // 25k rows of the W1 generator's shape (title, description, lessons, tags), predicted one by one as the import does.
  const rows = Array.from(courseStream(IMPORT_ROWS, 20261125), (c) => ({
    title: c.title, description: c.description, lessonTitles: c.lessons, tags: c.tags,
  }));
  const t0 = performance.now();
  for (const r of rows) predict(model, r);
  const ms = performance.now() - t0;

  const importMs = w1 ? (w1.ms / w1.rows) * IMPORT_ROWS : null;
  lines.push({
    workload: 'CAT',
    what: `predict ${IMPORT_ROWS} import rows`,
    unit: 'ms',
    value: summarize([ms]),
    ...(importMs !== null
      ? {
          floor: summarize([importMs]),
          floorWhat: `W1 first import scaled to ${IMPORT_ROWS} rows`,
          ratio: ms / importMs,
          target: { text: '≤ 0.10× import', met: ms <= 0.1 * importMs },
        }
      : {}),
    notes: [
      importMs !== null
        ? `adds ${((ms / importMs) * 100).toFixed(1)}% to a ${IMPORT_ROWS}-row import (W1: ${Math.round(w1!.ms)} ms for ${w1!.rows} rows)`
        : 'W1 did not run: compare with the W1 first import of another run',
      `threshold sweep (default): ${sweep.join('; ')}`,
    ],
  });
  return lines;
}

/** Predicts 25,000 rows of the W1 generator's shape with the default model; milliseconds (wall and CPU). */
export function predictImportRows(): { wallMs: number; cpuMs: number } {
  const { courses } = readEvaluationSet();
  const { train: part } = stratifiedSplit(courses, HELD_OUT, SPLIT_SEED);
  const model = train(part);
  const rows = Array.from(courseStream(IMPORT_ROWS, 20261125), (c) => ({
    title: c.title, description: c.description, lessonTitles: c.lessons, tags: c.tags,
  }));
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (const r of rows) predict(model, r);
  const c = process.cpuUsage(c0);
  return { wallMs: performance.now() - t0, cpuMs: (c.user + c.system) / 1000 };
}

// Standalone (`node --import tsx bench/categorise.ts`): the methods' table in Markdown, then the 25k-row figure.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const runs = Number(process.env['CAT_RUNS'] ?? 3);
  console.log(`load average before: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const figures = CONFIGS.map((c) => {
    const f = measureConfig(c.name, c.options, runs);
    console.error(`${c.name}: cv ${f.cv.accuracy.toFixed(3)}, held-out ${f.heldOut[0]!.accuracy.toFixed(3)}`);
    return f;
  });
  console.log(markdownTable(figures));
  const big = [predictImportRows(), predictImportRows(), predictImportRows()];
  console.log(`25,000 W1-shaped rows, default model: ${big.map((b) => `${b.wallMs.toFixed(0)} ms wall / ${b.cpuMs.toFixed(0)} ms CPU`).join('; ')}`);
  console.log(`load average after: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
}

// CAT: the auto-categorisation model of issue 14, measured on a held-out split of the hand-written evaluation set
// (test/fixtures/categorisation/): quality figures beside the majority-class baseline, training time, prediction
// time per 1,000 rows, and the time prediction adds to a 25k-row import (compared with W1's first import when
// this run measured it). In process: no service is needed.
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { readEvaluationSet } from '../src/categorise/evaluation-set';
import { evaluate, type Evaluation } from '../src/categorise/evaluate';
import { DEFAULT_TRAIN, fitTemperature, METHODS, predict, predictProba, rng, stratifiedSplit, train, type LabelledCourse, type TrainOptions } from '../src/categorise/model';
import { courseStream } from '../test/support/generate';
import { median, summarize } from './stats';
import type { BenchContext, ResultLine } from './report-types';

/** The split the figures are given on: a fifth of each category held out, seeded so every run compares. */
const HELD_OUT = 0.2;
const SPLIT_SEED = 14;
const IMPORT_ROWS = 25_000;

/** The configurations the benchmark compares: the default first, then every method, then the previous default. */
export const CONFIGS: { name: string; options: Partial<TrainOptions> }[] = [
  {
    name: `ensemble ${DEFAULT_TRAIN.ensemble.join('+')} × whitened word vectors ^${DEFAULT_TRAIN.vectorWeight}, ${DEFAULT_TRAIN.vectorMix} mix (default)`,
    options: {},
  },
  // The default of the first word-vector round: the same heads, unwhitened vectors, probabilities averaged.
  {
    name: `ensemble ${DEFAULT_TRAIN.ensemble.join('+')} + word vectors ×0.4, linear mix (previous default)`,
    options: { vectorWeight: 0.4, vectorMix: 'linear', vectorWhiten: 0 },
  },
  // The lexical methods alone (no word-vector head), as they were compared before the head existed.
  { name: `ensemble ${DEFAULT_TRAIN.ensemble.join('+')}, no word vectors (default before the word vectors)`, options: { vectorWeight: 0 } },
  ...METHODS.filter((m) => m !== 'ensemble').map((method) => ({
    name: method,
    // The SVM's regularisation as cross-validation chose it (the default 1e-4 is logistic regression's).
    options: method === 'svm' ? { method, l2: 0.01, vectorWeight: 0 } : { method, vectorWeight: 0 },
  })),
  { name: 'ensemble nb+logreg', options: { method: 'ensemble', ensemble: ['nb', 'logreg'], vectorWeight: 0 } },
  { name: 'ensemble cnb+logreg', options: { method: 'ensemble', ensemble: ['cnb', 'logreg'], vectorWeight: 0 } },
  {
    name: 'nb, older features (3-5-grams, per-feature TF, min df 2)',
    options: {
      vectorWeight: 0,
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

/**
 * Fills the process-wide caches every model shares (stems and n-grams of each word, the word-vector table and its
 * whitening scales) and lets the JIT compile the training and prediction code, by training the default model on the
 * training part and predicting the held-out courses once. Without it the first configuration measured pays them
 * alone: its training and prediction times were several times the others' (3.0 s and 3.5 s per 1,000 rows against
 * 1.4 s and 0.26 s for the same code path one configuration later).
 */
export function warmUp(): void {
  const { courses } = readEvaluationSet();
  const { train: part, test } = stratifiedSplit(courses, HELD_OUT, SPLIT_SEED);
  const m = train(part);
  for (const c of test) predict(m, c.text);
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

/** A trained classifier as the cross-validation sees it: a course in, probabilities per category id out. */
export type Classifier = (course: LabelledCourse) => Map<number, number>;

/** The classifier of a training configuration: the lexical model of src/categorise/model.ts. */
export function lexicalClassifier(options: Partial<TrainOptions>): (part: readonly LabelledCourse[]) => Classifier {
  return (part) => {
    const m = train(part, options);
    return (c) => {
      const p = predictProba(m, c.text);
      return new Map(p ? m.data.classes.map((cls, k) => [cls, p[k]!]) : []);
    };
  };
}

/**
 * The fold of each course in stratified k-fold cross-validation: per category, a seeded shuffle dealt
 * round-robin, so every fold has every category.
 */
function foldsOf<T extends { categoryId: number }>(items: readonly T[], folds: number, seed: number): Map<T, number> {
  const fold = new Map<T, number>();
  const byClass = new Map<number, T[]>();
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
  return fold;
}

/** The best category of a probability map and its probability (category 0, probability 0 when empty). */
function best(p: Map<number, number>): { categoryId: number; confidence: number } {
  let categoryId = 0;
  let confidence = 0;
  for (const [c, v] of p) if (v > confidence) [categoryId, confidence] = [c, v];
  return { categoryId, confidence };
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
  return crossValidateWith(items, lexicalClassifier(options), folds, seed, thresholds).cv;
}

/**
 * Stratified k-fold cross-validation of any classifier (`fit` trains on a part, returns its classifier): the
 * figures of {@link crossValidate}, and every course's out-of-fold probabilities (so that mixtures of
 * classifiers can be cross-validated without training them again). Folds as {@link crossValidate}'s.
 */
export function crossValidateWith(
  items: readonly LabelledCourse[],
  fit: (part: readonly LabelledCourse[]) => Classifier,
  folds = 5,
  seed = 7,
  thresholds: readonly number[] = [0.5, 0.6, 0.7, 0.8],
): { cv: CrossValidation; outOfFold: Map<LabelledCourse, Map<number, number>> } {
  const fold = foldsOf(items, folds, seed);
  const outOfFold = new Map<LabelledCourse, Map<number, number>>();
  for (let f = 0; f < folds; f++) {
    const classify = fit(items.filter((it) => fold.get(it) !== f));
    for (const h of items) if (fold.get(h) === f) outOfFold.set(h, classify(h));
  }
  return { cv: figuresOf(items, (c) => outOfFold.get(c)!, fold, folds, thresholds), outOfFold };
}

/** Accuracy per fold (mean, sd), macro-F1 per fold (mean) and pooled coverage per threshold of given predictions. */
function figuresOf(
  items: readonly LabelledCourse[],
  probs: Classifier,
  fold: Map<LabelledCourse, number>,
  folds: number,
  thresholds: readonly number[],
): CrossValidation {
  const accs: number[] = [];
  const f1s: number[] = [];
  const pooled: { conf: number; ok: boolean }[] = [];
  for (let f = 0; f < folds; f++) {
    const held = items.filter((it) => fold.get(it) === f);
    const classes = [...new Set(items.map((it) => it.categoryId))];
    const tp = new Map<number, number>();
    const fp = new Map<number, number>();
    const fn = new Map<number, number>();
    let ok = 0;
    for (const h of held) {
      const b = best(probs(h));
      const good = b.categoryId === h.categoryId;
      pooled.push({ conf: b.confidence, ok: good });
      if (good) {
        ok++;
        tp.set(h.categoryId, (tp.get(h.categoryId) ?? 0) + 1);
      } else {
        fp.set(b.categoryId, (fp.get(b.categoryId) ?? 0) + 1);
        fn.set(h.categoryId, (fn.get(h.categoryId) ?? 0) + 1);
      }
    }
    accs.push(ok / held.length);
    // Macro-F1 over the categories present in the fold (as evaluate() does over the held-out categories).
    const present = classes.filter((c) => held.some((h) => h.categoryId === c));
    f1s.push(
      present.reduce((sum, c) => {
        const t = tp.get(c) ?? 0;
        const d = 2 * t + (fp.get(c) ?? 0) + (fn.get(c) ?? 0);
        return sum + (d === 0 ? 0 : (2 * t) / d);
      }, 0) / present.length,
    );
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
  warmUp();
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

/** Probabilities per category of a held-out part, and the figures of {@link figuresOf} on it (one fold). */
function heldOutFigures(test: readonly LabelledCourse[], classify: Classifier): CrossValidation {
  const fold = new Map(test.map((t) => [t, 0]));
  return figuresOf(test, classify, fold, 1, SWEEP);
}

/** Softmax of `scores` at temperature `t`, over the category ids of `ids`. */
function softmaxOf(ids: readonly number[], scores: readonly number[], t: number): Map<number, number> {
  const top = Math.max(...scores);
  const e = scores.map((x) => Math.exp((x - top) / t));
  const z = e.reduce((a, b) => a + b, 0);
  return new Map(ids.map((id, k) => [id, e[k]! / z]));
}

/** `v` scaled to unit length (unchanged when zero). */
function unit(v: readonly number[]): number[] {
  const n = Math.sqrt(v.reduce((a, x) => a + x * x, 0)) || 1;
  return v.map((x) => x / n);
}

const dot = (a: readonly number[], b: readonly number[]): number => a.reduce((s, x, i) => s + x * b[i]!, 0);

/**
 * Nearest centroid by cosine over dense vectors (Rocchio, as the lexical `centroid` head but on sentence vectors),
 * calibrated like the lexical heads: a temperature fitted (src/categorise/model.ts fitTemperature) on a stratified
 * fifth of the training part by a centroid of the other four fifths. `extra` adds fixed labelled vectors to every
 * training (the taxonomy's names and synonyms), each counted `extraWeight` times.
 */
export function centroidClassifier(
  vectorOf: (c: LabelledCourse) => readonly number[],
  extra: readonly { categoryId: number; vector: readonly number[] }[] = [],
  extraWeight = 3,
): (part: readonly LabelledCourse[]) => Classifier {
  const centroids = (part: readonly LabelledCourse[]): { ids: number[]; c: number[][] } => {
    const sums = new Map<number, number[]>();
    const add = (id: number, v: readonly number[], w: number): void => {
      const s = sums.get(id) ?? new Array<number>(v.length).fill(0);
      v.forEach((x, d) => {
        s[d]! += w * x;
      });
      sums.set(id, s);
    };
    for (const c of part) add(c.categoryId, unit(vectorOf(c)), 1);
    for (const e of extra) add(e.categoryId, unit(e.vector), extraWeight);
    const ids = [...sums.keys()].sort((a, b) => a - b);
    return { ids, c: ids.map((id) => unit(sums.get(id)!)) };
  };
  return (part) => {
    const { train: a, test: b } = stratifiedSplit(part, 0.2, 15);
    const sub = centroids(a);
    const t = fitTemperature(
      b.map((x) => sub.c.map((c) => dot(c, unit(vectorOf(x))))),
      b.map((x) => sub.ids.indexOf(x.categoryId)),
    );
    const full = centroids(part);
    return (x) => {
      const v = unit(vectorOf(x));
      return softmaxOf(full.ids, full.c.map((c) => dot(c, v)), t);
    };
  };
}

/** The weighted mean of classifiers' probabilities (how the lexical ensemble combines its heads). */
export function mixture(parts: readonly { weight: number; classify: Classifier }[]): Classifier {
  return (c) => {
    const out = new Map<number, number>();
    for (const { weight, classify } of parts) for (const [id, p] of classify(c)) out.set(id, (out.get(id) ?? 0) + weight * p);
    return out;
  };
}

/** Sentence vectors of the evaluation set made by bench/categorise-vectors.py (rows in courses.csv order). */
interface EvaluationVectors {
  full: number[][];
  word: number[][];
  taxonomy: Record<string, number[]>;
  msPerCourse: number;
}

/**
 * Idea (a) of issue 14, measured: classifiers over multilingual sentence vectors (USE multilingual v3, see
 * bench/categorise-vectors.py), alone and averaged with the default lexical model, by the same 5-fold
 * cross-validation on the training part (the choice) and once on the held-out part. Returns Markdown.
 * Throws when `path` is unreadable or its rows do not match courses.csv.
 */
export function vectorsTable(path: string): string {
  const data = JSON.parse(readFileSync(path, 'utf8')) as EvaluationVectors;
  const { courses } = readEvaluationSet();
  if (data.full.length !== courses.length) throw new Error(`${path}: ${data.full.length} vectors for ${courses.length} courses`);
  const row = new Map<LabelledCourse, number>(courses.map((c, i) => [c, i]));
  const idOf = new Map(courses.map((c) => [c.category, c.categoryId]));
  const taxonomy = Object.entries(data.taxonomy).map(([name, vector]) => ({ categoryId: idOf.get(name)!, vector }));
  const { train: part, test } = stratifiedSplit(courses, HELD_OUT, SPLIT_SEED);
  const full = (c: LabelledCourse): number[] => data.full[row.get(c)!]!;
  const word = (c: LabelledCourse): number[] => data.word[row.get(c)!]!;
  const lexical = lexicalClassifier({ vectorWeight: 0 });
  const fits: { name: string; fit: (p: readonly LabelledCourse[]) => Classifier }[] = [
    { name: 'lexical (cnb+centroid, no word vectors)', fit: lexical },
    // The first round's default (the figures of the fixture README's sentence-vector table were measured with it).
    { name: 'default (lexical + shipped word vectors ×0.4)', fit: lexicalClassifier({ vectorWeight: 0.4, vectorMix: 'linear', vectorWhiten: 0 }) },
    { name: 'default (lexical × whitened word vectors ^0.5, geometric mix)', fit: lexicalClassifier({}) },
    { name: 'taxonomy names and synonyms only (zero-shot, full encoder)', fit: centroidClassifier(full, taxonomy, 1e6) },
    { name: 'centroid, full encoder', fit: centroidClassifier(full) },
    { name: 'centroid, full encoder + taxonomy', fit: centroidClassifier(full, taxonomy) },
    { name: 'centroid, static word vectors', fit: centroidClassifier(word) },
    { name: 'centroid, static word vectors + taxonomy', fit: centroidClassifier(word, taxonomy) },
  ];
  const mixes = [...fits.slice(3)].map((f) => ({
    name: `lexical ×0.5 + ${f.name} ×0.5`,
    fit: (p: readonly LabelledCourse[]) => mixture([{ weight: 0.5, classify: lexical(p) }, { weight: 0.5, classify: f.fit(p) }]),
  }));
  const f2 = (x: number): string => x.toFixed(3);
  const cov = (c: CrossValidation): string => c.thresholds.map((t) => `${t.coverage.toFixed(2)} / ${f2(t.coveredAccuracy)}`).join(' | ');
  const lines = [
    `| method | CV accuracy (5-fold, ± sd) | CV coverage / accuracy when covered at ${SWEEP.join(' | at ')} | held-out accuracy | held-out macro-F1 | held-out at ${SWEEP.join(' | at ')} |`,
    `|${'---|'.repeat(4 + 2 * SWEEP.length)}`,
  ];
  for (const f of [...fits, ...mixes]) {
    const { cv } = crossValidateWith(part, f.fit);
    const h = heldOutFigures(test, f.fit(part));
    lines.push(`| ${f.name} | ${f2(cv.accuracy)} ± ${f2(cv.accuracySd)} | ${cov(cv)} | ${f2(h.accuracy)} | ${f2(h.macroF1)} | ${cov(h)} |`);
    console.error(`${f.name}: cv ${f2(cv.accuracy)}, held-out ${f2(h.accuracy)}`);
  }
  lines.push('', `Full encoder: ${data.msPerCourse.toFixed(1)} ms a course (numpy, one thread, as measured by the script).`);
  // The learning curve of the vectors: the same nested subsets as learningCurveTable's.
  lines.push('', '| training courses | lexical | lexical + static word vectors | full encoder centroid | lexical + full encoder |', '|---|---|---|---|---|');
  for (const share of CURVE) {
    const sub = subsetOf(part, share);
    const lx = lexical(sub);
    const acc = (c: Classifier): string => f2(heldOutFigures(test, c).accuracy);
    const half = (other: Classifier): Classifier => mixture([{ weight: 0.5, classify: lx }, { weight: 0.5, classify: other }]);
    lines.push(`| ${sub.length} | ${acc(lx)} | ${acc(half(centroidClassifier(word)(sub)))} | ${acc(centroidClassifier(full)(sub))} | ${acc(half(centroidClassifier(full)(sub)))} |`);
  }
  return lines.join('\n');
}

/** Shares of the training part of the learning curve. */
const CURVE = [0.25, 0.5, 0.75, 1] as const;

/** A stratified, seeded share of `part` (the whole part at 1). */
function subsetOf(part: readonly LabelledCourse[], share: number): LabelledCourse[] {
  return share >= 1 ? [...part] : stratifiedSplit(part, 1 - share, 21).train;
}

/**
 * The learning curve of the default model, with and without its word-vector head: trained on a stratified quarter,
 * half, three quarters and the whole of the training part (seeded subsets), measured on the same held-out part,
 * plus cross-validation within each subset. Markdown.
 */
export function learningCurveTable(): string {
  const { courses } = readEvaluationSet();
  const { train: part, test } = stratifiedSplit(courses, HELD_OUT, SPLIT_SEED);
  const f2 = (x: number): string => x.toFixed(3);
  const lines = [
    '| training courses | a category (mean) | model | CV accuracy (5-fold within them) | held-out accuracy | held-out coverage / accuracy when covered at 0.7 |',
    '|---|---|---|---|---|---|',
  ];
  for (const share of CURVE) {
    const sub = subsetOf(part, share);
    const k = new Set(sub.map((s) => s.categoryId)).size;
    for (const [name, options] of [['default', {}], ['no word vectors', { vectorWeight: 0 }]] as const) {
      const cv = crossValidate(sub, options);
      const h = heldOutFigures(test, lexicalClassifier(options)(sub));
      const at = h.thresholds.find((t) => t.threshold === 0.7)!;
      lines.push(`| ${sub.length} | ${(sub.length / k).toFixed(0)} | ${name} | ${f2(cv.accuracy)} ± ${f2(cv.accuracySd)} | ${f2(h.accuracy)} | ${at.coverage.toFixed(2)} / ${f2(at.coveredAccuracy)} |`);
    }
  }
  return lines.join('\n');
}

// Standalone (`node --import tsx bench/categorise.ts`): the methods' table in Markdown, then the 25k-row figure.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const runs = Number(process.env['CAT_RUNS'] ?? 3);
  console.log(`load average before: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  warmUp();
  const figures = CONFIGS.map((c) => {
    const f = measureConfig(c.name, c.options, runs);
    console.error(`${c.name}: cv ${f.cv.accuracy.toFixed(3)}, held-out ${f.heldOut[0]!.accuracy.toFixed(3)}`);
    return f;
  });
  console.log(markdownTable(figures));
  const big = [predictImportRows(), predictImportRows(), predictImportRows()];
  console.log(`25,000 W1-shaped rows, default model: ${big.map((b) => `${b.wallMs.toFixed(0)} ms wall / ${b.cpuMs.toFixed(0)} ms CPU`).join('; ')}`);
  console.log(`\nLearning curve (held-out part fixed):\n\n${learningCurveTable()}`);
  // Idea (a): sentence vectors made beforehand by bench/categorise-vectors.py (a PyPI package, not a dependency).
  const vectors = process.env['CAT_VECTORS'];
  console.log(vectors ? `\nSentence vectors (${vectors}):\n\n${vectorsTable(vectors)}` : '\nCAT_VECTORS not set: the sentence-vector table is skipped (see bench/categorise-vectors.py).');
  console.log(`load average after: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
}

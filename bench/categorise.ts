// CAT: the auto-categorisation model of issue 14, measured on a held-out split of the hand-written evaluation set
// (test/fixtures/categorisation/): quality figures beside the majority-class baseline, training time, prediction
// time per 1,000 rows, and the time prediction adds to a 25k-row import (compared with W1's first import when
// this run measured it). In process: no service is needed.
import { readEvaluationSet } from '../src/categorise/evaluation-set';
import { evaluate, type Evaluation } from '../src/categorise/evaluate';
import { DEFAULT_TRAIN, METHODS, predict, stratifiedSplit, train, type Method } from '../src/categorise/model';
import { courseStream } from '../test/support/generate';
import { median, summarize } from './stats';
import type { BenchContext, ResultLine } from './report-types';

/** The split the figures are given on: a fifth of each category held out, seeded so every run compares. */
const HELD_OUT = 0.2;
const SPLIT_SEED = 14;
const IMPORT_ROWS = 25_000;

export interface CategorisationFigures {
  method: Method;
  evaluation: Evaluation;
  trainMs: number;
  predictMsPer1000: number;
  trainedOn: number;
}

/** Trains `method` on the training part and evaluates it on the held-out part, `runs` times for the timings. */
export function measureMethod(method: Method, threshold: number, runs: number): CategorisationFigures {
  const { courses } = readEvaluationSet();
  const { train: part, test } = stratifiedSplit(courses, HELD_OUT, SPLIT_SEED);
  const trainMs: number[] = [];
  const predictMs: number[] = [];
  let evaluation: Evaluation | null = null;
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    const m = train(part, { method });
    trainMs.push(performance.now() - t0);
    const t1 = performance.now();
    for (const c of test) predict(m, c.text);
    predictMs.push(((performance.now() - t1) / test.length) * 1000);
    evaluation = evaluate(m, test, part.map((p) => p.categoryId), threshold);
  }
  return { method, evaluation: evaluation!, trainMs: median(trainMs), predictMsPer1000: median(predictMs), trainedOn: part.length };
}

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

/**
 * The CAT lines: one per method (the default first), the threshold sweep of the default method, and the 25k-row
 * prediction time against W1's first import (`w1` = its median ms and row count, when W1 ran).
 */
export function runCategorisation(ctx: BenchContext, threshold: number, w1: { ms: number; rows: number } | null): ResultLine[] {
  const methods = [DEFAULT_TRAIN.method, ...METHODS.filter((m) => m !== DEFAULT_TRAIN.method)];
  const lines: ResultLine[] = [];
  const figures = methods.map((m) => measureMethod(m, threshold, ctx.quick ? 1 : ctx.runs));
  for (const f of figures) {
    const e = f.evaluation;
    ctx.log(`CAT ${f.method}: accuracy ${pct(e.accuracy)}, macro-F1 ${pct(e.macroF1)}, coverage@${threshold} ${pct(e.coverage)}, covered accuracy ${pct(e.coveredAccuracy)}`);
    lines.push({
      workload: 'CAT',
      what: `${f.method}${f.method === DEFAULT_TRAIN.method ? ' (default)' : ''}: train on ${f.trainedOn} courses`,
      unit: 'ms',
      value: summarize([f.trainMs]),
      target: { text: 'accuracy ≥ 0.85, covered ≥ 0.90', met: e.accuracy >= 0.85 && e.coveredAccuracy >= 0.9 },
      notes: [
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
      `threshold sweep (${DEFAULT_TRAIN.method}): ${sweep.join('; ')}`,
    ],
  });
  return lines;
}

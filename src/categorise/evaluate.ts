/**
 * Evaluation of an auto-categorisation model on held-out labelled courses (issue 14): the figures stored with
 * each model version and printed by the benchmark.
 */
import { predict, type LabelledCourse, type Model } from './model';

/** What a model achieves on a held-out set. Rates are in [0, 1]; `threshold` is the confidence cut-off used. */
export interface Evaluation {
  /** Courses evaluated. */
  n: number;
  /** Share of courses whose predicted category is the right one (every course predicted, whatever its confidence). */
  accuracy: number;
  /** Unweighted mean over the categories present in the held-out set of each category's F1 score. */
  macroF1: number;
  threshold: number;
  /** Share of courses whose confidence is at or above the threshold (they would be categorised automatically). */
  coverage: number;
  /** Accuracy over the covered courses only (1 when none is covered: nothing was wrongly applied). */
  coveredAccuracy: number;
  /** Accuracy of always answering the training set's most frequent category: the floor to beat. */
  majorityBaseline: number;
  /** Expected calibration error over 10 equal-width confidence bins (Naeini et al. 2015): 0 is perfectly calibrated. */
  calibrationError: number;
}

/**
 * Predicts each held-out course and scores the predictions. `trainLabels` are the training set's categories
 * (for the majority-class baseline). Throws a RangeError on an empty held-out set.
 */
export function evaluate(
  model: Model,
  heldOut: readonly LabelledCourse[],
  trainLabels: readonly number[],
  threshold: number,
): Evaluation {
  if (heldOut.length === 0) throw new RangeError('nothing to evaluate: the held-out set is empty');
  const preds = heldOut.map((h) => predict(model, h.text));
  let correct = 0;
  let covered = 0;
  let coveredCorrect = 0;
  const tp = new Map<number, number>();
  const fp = new Map<number, number>();
  const fn = new Map<number, number>();
  const bins = Array.from({ length: 10 }, () => ({ n: 0, conf: 0, ok: 0 }));
  const inc = (m: Map<number, number>, k: number): void => {
    m.set(k, (m.get(k) ?? 0) + 1);
  };
  heldOut.forEach((h, i) => {
    const p = preds[i];
    const ok = p !== null && p !== undefined && p.categoryId === h.categoryId;
    if (ok) {
      correct++;
      inc(tp, h.categoryId);
    } else {
      inc(fn, h.categoryId);
      if (p) inc(fp, p.categoryId);
    }
    const conf = p?.confidence ?? 0;
    if (p && conf >= threshold) {
      covered++;
      if (ok) coveredCorrect++;
    }
    const bin = bins[Math.min(9, Math.floor(conf * 10))]!;
    bin.n++;
    bin.conf += conf;
    bin.ok += ok ? 1 : 0;
  });
  const classes = [...new Set(heldOut.map((h) => h.categoryId))];
  const f1s = classes.map((c) => {
    const t = tp.get(c) ?? 0;
    const denom = 2 * t + (fp.get(c) ?? 0) + (fn.get(c) ?? 0);
    return denom === 0 ? 0 : (2 * t) / denom;
  });
  const freq = new Map<number, number>();
  for (const l of trainLabels) inc(freq, l);
  const majority = [...freq.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]?.[0];
  const n = heldOut.length;
  return {
    n,
    accuracy: correct / n,
    macroF1: f1s.reduce((a, b) => a + b, 0) / classes.length,
    threshold,
    coverage: covered / n,
    coveredAccuracy: covered === 0 ? 1 : coveredCorrect / covered,
    majorityBaseline: heldOut.filter((h) => h.categoryId === majority).length / n,
    calibrationError: bins.reduce((acc, b) => acc + (b.n === 0 ? 0 : Math.abs(b.ok - b.conf)), 0) / n,
  };
}

/**
 * Whether a candidate model may replace the active one: not worse in accuracy (within 0.005, the noise of a
 * few courses) nor in covered accuracy at the same threshold. A first model (no current one) always may.
 */
export function notWorse(candidate: Evaluation, current: Evaluation | null): boolean {
  if (!current) return true;
  return candidate.accuracy + 0.005 >= current.accuracy && candidate.coveredAccuracy + 0.005 >= current.coveredAccuracy;
}

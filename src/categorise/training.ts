/**
 * Training the auto-categorisation model on the catalogue (issue 14): the body of the `trainCategoryModel`
 * activity, kept here so that it can be tested without Temporal. Reads every categorised course (reviewers'
 * decisions override), measures the method on a held-out split, trains the stored model on all the courses,
 * and activates it when its measured figures are not worse than the active version's.
 */
import type { Sql } from '../db/client';
import { insertCategoryModel, listCategoryModels, readTrainingPage } from '../db/category-models';
import { evaluate, notWorse, type Evaluation } from './evaluate';
import { DEFAULT_TRAIN, serialise, stratifiedSplit, train, type LabelledCourse, type TrainOptions } from './model';

/** Courses read per query while collecting the training data. */
const PAGE = 2000;
/** Share of the courses held out to measure the model. */
export const HELD_OUT_SHARE = 0.2;
/** Fewer labelled courses than this and no model is trained: its figures would mean nothing. */
export const MIN_TRAINING_COURSES = 20;

/** What one training did. `version` is null when nothing was trained (`reason` says why). */
export interface TrainingOutcome {
  version: number | null;
  activated: boolean;
  trainedOn: number;
  categories: number;
  evaluation: Evaluation | null;
  reason: string;
  trainMs: number;
}

/**
 * Trains, evaluates and stores a new model version. `threshold` is the confidence threshold the evaluation reports
 * coverage at (AUTO_CATEGORY_THRESHOLD); `progress` is called after each page read (an activity heartbeats).
 * Throws only on database errors.
 */
export async function trainFromCatalogue(
  sql: Sql,
  opts: { threshold: number; requestedBy: string; options?: Partial<TrainOptions>; progress?: (read: number) => void },
): Promise<TrainingOutcome> {
  const items: LabelledCourse[] = [];
  let after = 0;
  for (;;) {
    const page = await readTrainingPage(sql, after, PAGE);
    if (page.lastId === after) break;
    items.push(...page.rows);
    after = page.lastId;
    opts.progress?.(items.length);
  }
  const categories = new Set(items.map((i) => i.categoryId)).size;
  const none = (reason: string): TrainingOutcome => ({
    version: null, activated: false, trainedOn: items.length, categories, evaluation: null, reason, trainMs: 0,
  });
  if (items.length < MIN_TRAINING_COURSES) return none(`only ${items.length} categorised courses (at least ${MIN_TRAINING_COURSES} are needed)`);
  if (categories < 2) return none('the categorised courses are all in one category');

  const options: TrainOptions = { ...DEFAULT_TRAIN, ...opts.options };
  const { train: part, test } = stratifiedSplit(items, HELD_OUT_SHARE, options.seed);
  const t0 = performance.now();
  const measured = train(part, options);
  const evaluation = evaluate(measured, test, part.map((p) => p.categoryId), opts.threshold);
  // The stored model learns from every course, the held-out ones included (the corrections of the review queue
  // among them): the evaluation above measures the method on this catalogue, the stored model is its best use.
  const model = train(items, options);
  const trainMs = Math.round(performance.now() - t0);

  // The active version is judged by the figures it was stored with, measured the same way on the catalogue of
  // its day: evaluating it on today's held-out courses would flatter it, it learnt most of them.
  const current = (await listCategoryModels(sql, 50)).find((m) => m.active) ?? null;
  const currentEval = (current?.evaluation ?? null) as Evaluation | null;
  const activate = notWorse(evaluation, currentEval);
  const reason = !current
    ? 'first model'
    : activate
      ? `not worse than v${current.version} (accuracy ${evaluation.accuracy.toFixed(3)} vs ${currentEval!.accuracy.toFixed(3)})`
      : `worse than v${current.version} (accuracy ${evaluation.accuracy.toFixed(3)} vs ${currentEval!.accuracy.toFixed(3)}, covered ${evaluation.coveredAccuracy.toFixed(3)} vs ${currentEval!.coveredAccuracy.toFixed(3)}): kept v${current.version}`;
  const { features, ...rest } = options;
  const version = await insertCategoryModel(sql, {
    trainedOn: items.length,
    method: options.method,
    parameters: { ...rest, features, heldOutShare: HELD_OUT_SHARE, categories, trainMs },
    evaluation,
    model: serialise(model),
    active: activate,
    decision: reason,
    requestedBy: opts.requestedBy,
  });
  return { version, activated: activate, trainedOn: items.length, categories, evaluation, reason, trainMs };
}

/**
 * The auto-categorisation model (issue 14): linear classifiers over TF-IDF features of a course's text (stemmed
 * words, word pairs and character n-grams, see ./text.ts), with a confidence calibrated by temperature scaling
 * (Guo et al., "On Calibration of Modern Neural Networks", 2017: one scalar T fitted on held-out data so that
 * softmax(scores / T) matches observed accuracy). Pure code: no I/O, deterministic for a given input and seed.
 *
 * Every method is one or more linear "heads" `score_k(x) = w_k · x + b_k` over the same features:
 * - `nb`: multinomial naive Bayes over TF-IDF weights (Rennie et al. 2003, "Tackling the Poor Assumptions of
 *   Naive Bayes Text Classifiers"), Lidstone smoothing;
 * - `cnb`: complement naive Bayes with weight normalisation (the same paper, its TWCNB);
 * - `logreg`: multinomial logistic regression, SGD with L2 regularisation (Bottou 2010, "Large-Scale Machine
 *   Learning with Stochastic Gradient Descent": decaying step, weight-scale trick for the sparse L2 update);
 * - `svm`: linear multi-class SVM (Crammer & Singer 2001 hinge loss), trained by the same SGD;
 * - `centroid`: nearest centroid by cosine (Rocchio);
 * - `ensemble`: several of the above (`ensemble`, default naive Bayes + logistic regression), each calibrated,
 *   their probabilities averaged.
 * With `vectorWeight` > 0 a model also has a dense "vector head": nearest centroid by cosine over the mean of a
 * course's pre-trained multilingual word vectors (./word-vectors.ts; the static-embedding average of Arora et al.
 * 2017, "A Simple but Tough-to-Beat Baseline for Sentence Embeddings", without its weighting; the dimensions whitened,
 * `vectorWhiten`), calibrated by its own temperature, its probabilities mixed with the linear heads' at that weight:
 * linearly (models stored before `vectorMix`) or geometrically, a weighted product of experts (Hinton 2002) calibrated
 * by one more temperature.
 * The benchmark (bench/categorise.ts) chooses among them by cross-validation on the training part.
 */
import type { CourseText } from './contract';
import {
  accentSignal,
  courseText,
  DEFAULT_FEATURES,
  extractFeatures,
  extractWords,
  fold,
  foldWord,
  isSkipped,
  stopKind,
  wordFeatures,
  words as tokenise,
  type FeatureOptions,
} from './text';
import { addRow, dimensionScales, shippedWordVectors, type WordVectors } from './word-vectors';

export type Method = 'nb' | 'cnb' | 'logreg' | 'svm' | 'centroid' | 'ensemble';
export const METHODS: readonly Method[] = ['nb', 'cnb', 'logreg', 'svm', 'centroid', 'ensemble'];
/** The methods that are one linear head (members of an ensemble). */
export type LinearMethod = Exclude<Method, 'ensemble'>;

/** One labelled course: the training input. `categoryId` is a `categories.id`. */
export interface LabelledCourse {
  text: CourseText;
  categoryId: number;
}

/** Training settings; stored with the model as its `parameters`. */
export interface TrainOptions {
  method: Method;
  features: FeatureOptions;
  /** Features seen in fewer courses are dropped (noise, and they bloat the stored model). */
  minDocFreq: number;
  /** At most this many features are kept (the most frequent), to bound the model's size on large catalogues. */
  maxFeatures: number;
  /** logreg / svm: passes over the data, initial step size, L2 strength (lambda of the regularised risk). */
  epochs: number;
  learningRate: number;
  l2: number;
  /** logreg / svm: each course weighted by n / (K × n_k), so a small category counts as much as a large one. */
  balanced: boolean;
  /** nb / cnb: smoothing added to each feature's weight per class. */
  alpha: number;
  /** ensemble: its members, whose calibrated probabilities are averaged. */
  ensemble: LinearMethod[];
  /** Share of the training data held out to fit the confidence temperature (0: no calibration, T = 1). */
  calibrationShare: number;
  /** Seed of the deterministic shuffles. */
  seed: number;
  /**
   * Weight of the word-vector head's probabilities in the mix with the linear heads' (0: no vector head; also
   * none when the shipped table is missing). Absent in the parameters of models stored before it existed.
   */
  vectorWeight: number;
  /**
   * How the vector head's probabilities q join the linear heads' p: `linear`, (1 - w) p + w q (models stored before
   * this option); `geometric`, p^(1 - w) q^w renormalised and calibrated by one more temperature fitted on the
   * calibration share (a product of experts: a category both heads find likely wins over one only one head likes).
   */
  vectorMix: 'linear' | 'geometric';
  /** Whitening power of the word vectors' dimensions (see ./word-vectors.ts dimensionScales; 0: none, as before). */
  vectorWhiten: number;
}

// Chosen by 5-fold cross-validation on the training part of the evaluation set (the held-out part measured once,
// afterwards; see the README of test/fixtures/categorisation): complement naive Bayes and nearest centroid
// averaged are as accurate as any pair with logistic regression (0.73-0.74), train in one pass without keeping the
// vectors, and are the best calibrated at high thresholds.
export const DEFAULT_TRAIN: TrainOptions = {
  method: 'ensemble',
  features: DEFAULT_FEATURES,
  // Every feature seen in training is kept (minimum document frequency 2 lost 0.03 in cross-validation: with 30
  // courses a category, a word seen once is often the clue), within maxFeatures.
  minDocFreq: 1,
  // 30k features x 30 categories x 2 heads: 14 MB of weights in memory (twice: stored and transposed layouts), about
  // 12 MB of JSON stored (6.8 MB measured for 17 categories, 25k courses).
  maxFeatures: 30000,
  epochs: 25,
  learningRate: 0.5,
  l2: 1e-4,
  balanced: true,
  alpha: 0.2,
  ensemble: ['cnb', 'centroid'],
  calibrationShare: 0.2,
  seed: 14,
  // The word-vector head, whitened, joined geometrically at 0.5 with its own calibration: 5-fold cross-validated
  // accuracy 0.824 against 0.803 for the linear mix at 0.4 of unwhitened vectors (the previous default) and 0.738
  // without the head (geometric at 0.4: 0.812, 0.6: 0.820; whitening 0: 0.811, 0.5: 0.822); see the fixture README.
  vectorWeight: 0.5,
  vectorMix: 'geometric',
  vectorWhiten: 1,
};

/** Most frequent tags per category, to suggest the ones a new course's text mentions. */
export type CategoryTags = Record<string, string[]>;

/** One more linear head of a stored ensemble (format 2). Weights are row-major [class][feature]. */
export interface StoredHead {
  method: LinearMethod;
  weights: number[];
  bias: number[];
  temperature: number;
}

/**
 * A trained model as stored (JSON, in `category_models.model`). Weights are row-major [class][feature].
 * Format 1: one head (`weights`, `bias`, `temperature`). Format 2 adds `members`, the other heads of an ensemble
 * (their probabilities averaged with the first one's), and may use the newer feature options; a format-1 model
 * loads and predicts exactly as it did (its feature options lack the newer ones, which default to the old
 * behaviour).
 */
export interface ModelData {
  format: 1 | 2;
  method: Method;
  features: FeatureOptions;
  classes: number[];
  vocab: string[];
  idf: number[];
  weights: number[];
  bias: number[];
  temperature: number;
  members?: StoredHead[];
  /** The word-vector head (absent: none). */
  vectors?: StoredVectorHead;
  tags: CategoryTags;
}

/**
 * The word-vector head as stored: the id of the table it was trained with (./word-vectors.ts), unit centroids
 * row-major [class][dimension], its temperature and its weight in the mix. A model whose table is not the shipped
 * one predicts without it (its linear heads alone), as before the head existed.
 */
export interface StoredVectorHead {
  table: string;
  dim: number;
  centroids: number[];
  temperature: number;
  weight: number;
  /** Whitening power of the dimensions (absent: 0, models stored before it). */
  whiten?: number;
  /** How its probabilities join the linear heads' (absent: linear) and, geometric, the temperature of the product. */
  mix?: 'linear' | 'geometric';
  mixTemperature?: number;
}

/** The word-vector head in memory. */
interface VectorHead {
  table: WordVectors;
  centroids: Float64Array;
  temperature: number;
  weight: number;
  /** Per-dimension multipliers of a course's summed vector (whitening), null when none. */
  scales: Float64Array | null;
  geometric: boolean;
  mixTemperature: number;
  /** Scratch: a course's summed vector, and the head's scores and probabilities. */
  sum: Float64Array;
  scores: Float64Array;
  probs: Float64Array;
  /** Scratch: the distinct words of the course being predicted. */
  distinct: TokenInfo[];
}

/** The format this code writes. */
export const MODEL_FORMAT = 2;

/** One linear head in memory. */
interface Head {
  method: LinearMethod;
  /** Row-major [class][feature]. */
  weights: Float64Array;
  bias: Float64Array;
  temperature: number;
}

/** Per model, per distinct token: what prediction needs of it, computed once (see {@link tokenInfo}). */
interface TokenInfo {
  stop: number;
  accent: number;
  skipped: boolean;
  /** Row of the word in the model's word-vector table, -1 when absent (or the model has no vector head). */
  vrow: number;
  /** The row's vector, dequantised on first use (prediction adds it once per distinct word, times its count). */
  vec: Float32Array | null;
  /** Occurrences in the course being predicted (0 between predictions). */
  vn: number;
  folded: string;
  fr: WordHit | null;
  en: WordHit | null;
}

/** One word in one language, for one model: its stem and features and, with per-word TF, its cached scores. */
interface WordHit {
  stem: string;
  idx: Int32Array;
  /** perWordTf: the word's idf vector u times every head's weights (H × K), and ‖u‖² (computed on first use). */
  proj: Float64Array | null;
  sq: number;
  /** perWordTf: occurrences in the course being predicted (0 between predictions). */
  n: number;
}

/** A model ready to predict: the stored data with its vocabulary indexed. */
export interface Model {
  data: ModelData;
  index: Map<string, number>;
  heads: Head[];
  /** The word-vector head, when the model has one and its table is the shipped one. */
  vectors?: VectorHead;
  /** The heads' weights transposed and side by side, [feature][head × K + class] (see stackedOf). */
  byFeature?: Float64Array;
  /** Per token: stop-word kind, accent signal, folded form and, per language, its stem and feature indices. */
  tokens?: Map<string, TokenInfo>;
  /** Word pairs of the vocabulary: first stem -> second stem -> feature index (no string built per pair). */
  pairIndex?: Map<string, Map<string, number>>;
  /** Scratch counts per feature and touched features, reused by each prediction (predictions are synchronous). */
  scratch?: {
    counts: Float64Array;
    touched: Int32Array;
    val: Float64Array;
    scores: Float64Array;
    probs: Float64Array;
    part: Float64Array;
    infos: TokenInfo[];
    hits: WordHit[];
  };
  /** Per category: its common tags with their folded form, for suggestTags. */
  tagNeedles?: Map<number, { single: Map<string, number[]>; multi: { at: number; needle: string }[] }>;
}

/** One prediction: the best category, its calibrated probability, and tags the category's courses use. */
export interface Prediction {
  categoryId: number;
  confidence: number;
  suggestedTags: string[];
}

interface SparseVec {
  idx: Int32Array;
  val: Float32Array | Float64Array;
}

/** mulberry32: a small seeded PRNG so shuffles, splits and hence models are reproducible. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle<T>(xs: T[], rand: () => number): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
  return xs;
}

/**
 * A stratified split: in each category, a `testShare` of its courses (at least one when it has two or more)
 * goes to `test`, chosen by a seeded shuffle. The order of `items` does not matter beyond ties.
 */
export function stratifiedSplit<T extends { categoryId: number }>(
  items: readonly T[],
  testShare: number,
  seed: number,
): { train: T[]; test: T[] } {
  const byClass = new Map<number, T[]>();
  for (const it of items) byClass.set(it.categoryId, [...(byClass.get(it.categoryId) ?? []), it]);
  const rand = rng(seed);
  const train: T[] = [];
  const test: T[] = [];
  for (const cls of [...byClass.keys()].sort((a, b) => a - b)) {
    const group = shuffle([...byClass.get(cls)!], rand);
    const n = group.length < 2 ? 0 : Math.max(1, Math.round(group.length * testShare));
    test.push(...group.slice(0, n));
    train.push(...group.slice(n));
  }
  return { train, test };
}

/** A course's training vector, as its features options say (per-feature or per-word term frequency). */
function courseVector(text: CourseText, index: Map<string, number>, idf: ArrayLike<number>, opts: FeatureOptions): SparseVec {
  if (!opts.perWordTf) return vectorise(extractFeatures(text, opts), index, idf);
  const acc = new Map<number, number>();
  let z = 0;
  for (const { count, features } of extractWords(text, opts).values()) {
    const a = 1 + Math.log(count);
    // The word's idf vector u (a feature twice in the word counts twice), its squared norm, added with weight a.
    const u = new Map<number, number>();
    for (const f of features) {
      const j = index.get(f);
      if (j !== undefined) u.set(j, (u.get(j) ?? 0) + idf[j]!);
    }
    for (const [j, v] of u) {
      acc.set(j, (acc.get(j) ?? 0) + a * v);
      z += (a * v) ** 2;
    }
  }
  z = Math.sqrt(z) || 1;
  const idx = Int32Array.from(acc.keys());
  return { idx, val: Float32Array.from(acc.values(), (v) => v / z) };
}

function vectorise(features: Map<string, number>, index: Map<string, number>, idf: ArrayLike<number>): SparseVec {
  const idx: number[] = [];
  const val: number[] = [];
  let norm = 0;
  for (const [f, count] of features) {
    const j = index.get(f);
    if (j === undefined) continue;
    // Sublinear term frequency (1 + log tf) times idf, the usual TF-IDF variant for short texts.
    const v = (1 + Math.log(count)) * idf[j]!;
    idx.push(j);
    val.push(v);
    norm += v * v;
  }
  norm = Math.sqrt(norm) || 1;
  // Single precision: a 25k-course catalogue's vectors, kept for the SGD passes, take half the memory.
  return { idx: Int32Array.from(idx), val: Float32Array.from(val, (v) => v / norm) };
}

/** softmax(scores / temperature) into `out` (a new array when not given). */
function softmax(scores: ArrayLike<number>, temperature: number, out: Float64Array = new Float64Array(scores.length)): Float64Array {
  let max = -Infinity;
  for (let k = 0; k < scores.length; k++) if (scores[k]! > max) max = scores[k]!;
  let sum = 0;
  for (let k = 0; k < scores.length; k++) {
    out[k] = Math.exp((scores[k]! - max) / temperature);
    sum += out[k]!;
  }
  for (let k = 0; k < scores.length; k++) out[k]! /= sum;
  return out;
}

interface Fitted {
  /** Row-major [class][feature]. */
  weights: Float64Array;
  bias: Float64Array;
}

/** Calls `fn` with each training course's vector and class index (vectors built one at a time when possible). */
type Visit = (fn: (x: SparseVec, y: number) => void) => void;

/**
 * Logistic regression (`log`) or Crammer-Singer multi-class SVM (`hinge`) by SGD on the L2-regularised risk
 * (1/n) Σ c_y · loss(x, y) + (λ/2)‖W‖². Step η_t = η0 / (1 + η0 λ t) (Bottou 2010); the L2 shrink of every
 * weight is one multiplication of a shared scale (W = scale × V), so a step costs only the course's features.
 * The bias is not regularised. `c_y` is 1, or n / (K n_y) when `balanced`.
 */
function fitSgd(xs: SparseVec[], ys: Int32Array, K: number, V: number, o: TrainOptions, loss: 'log' | 'hinge'): Fitted {
  const W = new Float64Array(V * K); // feature-major [feature][class] while training: a course touches K×nnz weights.
  const b = new Float64Array(K);
  const n = xs.length;
  const perClass = new Float64Array(K);
  for (let i = 0; i < n; i++) perClass[ys[i]!]!++;
  const cw = Float64Array.from(perClass, (c) => (o.balanced && c > 0 ? n / (K * c) : 1));
  const order = Int32Array.from(xs, (_, i) => i);
  const rand = rng(o.seed);
  const lambda = o.l2;
  const eta0 = o.learningRate;
  let scale = 1;
  let t = 0;
  const s = new Float64Array(K);
  const g = new Float64Array(K);
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      const tmp = order[i]!;
      order[i] = order[j]!;
      order[j] = tmp;
    }
    for (let r = 0; r < n; r++) {
      const i = order[r]!;
      const x = xs[i]!;
      const y = ys[i]!;
      const eta = eta0 / (1 + eta0 * lambda * t);
      t++;
      for (let k = 0; k < K; k++) s[k] = 0;
      for (let q = 0; q < x.idx.length; q++) {
        const base = x.idx[q]! * K;
        const v = x.val[q]!;
        for (let k = 0; k < K; k++) s[k]! += W[base + k]! * v;
      }
      for (let k = 0; k < K; k++) s[k] = s[k]! * scale + b[k]!;
      let any = false;
      if (loss === 'log') {
        softmax(s, 1, g);
        g[y]! -= 1;
        for (let k = 0; k < K; k++) {
          g[k]! *= cw[y]!;
          if (Math.abs(g[k]!) > 1e-9) any = true;
        }
      } else {
        g.fill(0);
        let rival = y === 0 ? 1 : 0;
        for (let k = 0; k < K; k++) if (k !== y && s[k]! > s[rival]!) rival = k;
        if (1 + s[rival]! - s[y]! > 0) {
          g[y] = -cw[y]!;
          g[rival] = cw[y]!;
          any = true;
        }
      }
      scale *= 1 - eta * lambda;
      if (scale < 1e-6) {
        for (let j = 0; j < W.length; j++) W[j]! *= scale;
        scale = 1;
      }
      if (!any) continue;
      const step = eta / scale;
      for (let q = 0; q < x.idx.length; q++) {
        const base = x.idx[q]! * K;
        const v = x.val[q]! * step;
        for (let k = 0; k < K; k++) if (g[k] !== 0) W[base + k]! -= g[k]! * v;
      }
      for (let k = 0; k < K; k++) b[k]! -= eta * g[k]!;
    }
  }
  const w = new Float64Array(K * V);
  for (let j = 0; j < V; j++) for (let k = 0; k < K; k++) w[k * V + j] = W[j * K + k]! * scale;
  return { weights: w, bias: b };
}

/** Per class, the summed feature weights of its courses, their total and the number of courses. */
function classMass(visit: Visit, K: number, V: number): { mass: Float64Array; total: Float64Array; docs: Float64Array; n: number } {
  const mass = new Float64Array(K * V);
  const total = new Float64Array(K);
  const docs = new Float64Array(K);
  let n = 0;
  visit((x, k) => {
    n++;
    docs[k]!++;
    for (let t = 0; t < x.idx.length; t++) {
      mass[k * V + x.idx[t]!]! += x.val[t]!;
      total[k]! += x.val[t]!;
    }
  });
  return { mass, total, docs, n };
}

function fitNaiveBayes(visit: Visit, K: number, V: number, o: TrainOptions): Fitted {
  const { mass, total, docs, n } = classMass(visit, K, V);
  const w = new Float64Array(K * V);
  const b = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    const denom = total[k]! + o.alpha * V;
    for (let j = 0; j < V; j++) w[k * V + j] = Math.log((mass[k * V + j]! + o.alpha) / denom);
    b[k] = Math.log(docs[k]! / n);
  }
  return { weights: w, bias: b };
}

/**
 * Complement naive Bayes (Rennie et al. 2003, §3.2 and §3.3): each class is described by the feature weights of
 * the *other* classes' courses (more data per estimate, less bias towards large classes), the log weights
 * normalised per class; a course scores high in the class whose complement explains it worst. No prior.
 */
function fitComplementNb(visit: Visit, K: number, V: number, o: TrainOptions): Fitted {
  const { mass, total } = classMass(visit, K, V);
  const all = new Float64Array(V);
  let grand = 0;
  for (let k = 0; k < K; k++) {
    for (let j = 0; j < V; j++) all[j]! += mass[k * V + j]!;
    grand += total[k]!;
  }
  const w = new Float64Array(K * V);
  for (let k = 0; k < K; k++) {
    const denom = grand - total[k]! + o.alpha * V;
    let sumAbs = 0;
    for (let j = 0; j < V; j++) {
      const v = Math.log((all[j]! - mass[k * V + j]! + o.alpha) / denom);
      w[k * V + j] = v;
      sumAbs += Math.abs(v);
    }
    // Negated (the best class has the lowest complement score) and normalised; scaled by V so that scores are of
    // order one and the temperature grid finds its optimum.
    const f = -V / (sumAbs || 1);
    for (let j = 0; j < V; j++) w[k * V + j]! *= f;
  }
  return { weights: w, bias: new Float64Array(K) };
}

function fitCentroid(visit: Visit, K: number, V: number): Fitted {
  const w = new Float64Array(K * V);
  visit((x, y) => {
    for (let t = 0; t < x.idx.length; t++) w[y * V + x.idx[t]!]! += x.val[t]!;
  });
  for (let k = 0; k < K; k++) {
    let n = 0;
    for (let j = 0; j < V; j++) n += w[k * V + j]! ** 2;
    n = Math.sqrt(n) || 1;
    // Cosine scores lie in [0, 1]; scaled so a temperature near 1 is a sensible start for calibration.
    for (let j = 0; j < V; j++) w[k * V + j]! *= 10 / n;
  }
  return { weights: w, bias: new Float64Array(K) };
}

/** The linear methods a model is made of: the ensemble's members, or the method itself. */
export function headsOf(o: TrainOptions): LinearMethod[] {
  return o.method === 'ensemble' ? [...new Set(o.ensemble)] : [o.method];
}

function fitHeads(visit: Visit, K: number, V: number, o: TrainOptions): { method: LinearMethod; fitted: Fitted }[] {
  const methods = headsOf(o);
  let stored: { xs: SparseVec[]; ys: Int32Array } | null = null;
  // SGD passes over the data many times: its vectors are kept (typed arrays, off the JS heap). The other methods
  // need only sums, so without an SGD head a large catalogue's vectors are never all in memory.
  if (methods.some((m) => m === 'logreg' || m === 'svm')) {
    const xs: SparseVec[] = [];
    const ys: number[] = [];
    visit((x, y) => {
      xs.push(x);
      ys.push(y);
    });
    stored = { xs, ys: Int32Array.from(ys) };
  }
  const again: Visit = stored
    ? (fn) => {
        for (let i = 0; i < stored!.xs.length; i++) fn(stored!.xs[i]!, stored!.ys[i]!);
      }
    : visit;
  return methods.map((method) => {
    let fitted: Fitted;
    if (method === 'nb') fitted = fitNaiveBayes(again, K, V, o);
    else if (method === 'cnb') fitted = fitComplementNb(again, K, V, o);
    else if (method === 'centroid') fitted = fitCentroid(again, K, V);
    else fitted = fitSgd(stored!.xs, stored!.ys, K, V, o, method === 'logreg' ? 'log' : 'hinge');
    return { method, fitted };
  });
}

/**
 * The temperature minimising the negative log-likelihood of the held-out labels: golden-section search on log T
 * in [-7, 7] (the NLL is convex in 1/T, hence unimodal in log T).
 */
export function fitTemperature(scores: readonly ArrayLike<number>[], ys: readonly number[]): number {
  const nll = (logT: number): number => {
    const t = Math.exp(logT);
    let sum = 0;
    const p = new Float64Array(scores[0]?.length ?? 0);
    scores.forEach((s, i) => {
      sum -= Math.log(Math.max(1e-12, softmax(s, t, p)[ys[i]!]!));
    });
    return sum;
  };
  let lo = -7;
  let hi = 7;
  const phi = (Math.sqrt(5) - 1) / 2;
  let a = hi - phi * (hi - lo);
  let c = lo + phi * (hi - lo);
  let fa = nll(a);
  let fc = nll(c);
  for (let it = 0; it < 60 && hi - lo > 1e-4; it++) {
    if (fa <= fc) {
      hi = c;
      c = a;
      fc = fa;
      a = hi - phi * (hi - lo);
      fa = nll(a);
    } else {
      lo = a;
      a = c;
      fa = fc;
      c = lo + phi * (hi - lo);
      fc = nll(c);
    }
  }
  return Math.exp((lo + hi) / 2);
}

function buildVocabulary(feats: Iterable<Map<string, number>>, o: TrainOptions): { vocab: string[]; idf: number[] } {
  const df = new Map<string, number>();
  let N = 0;
  for (const f of feats) {
    N++;
    for (const k of f.keys()) df.set(k, (df.get(k) ?? 0) + 1);
  }
  const kept = [...df.entries()]
    .filter(([, n]) => n >= o.minDocFreq)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, o.maxFeatures);
  // Smoothed idf, as scikit-learn's TfidfVectorizer(smooth_idf=True): log((1 + N) / (1 + df)) + 1; character
  // n-grams scaled by `charWeight` (the stored idf carries it).
  const cw = o.features.charWeight ?? 1;
  return { vocab: kept.map(([k]) => k), idf: kept.map(([k, n]) => (Math.log((1 + N) / (1 + n)) + 1) * (k.startsWith('c:') ? cw : 1)) };
}

function categoryTags(items: readonly LabelledCourse[]): CategoryTags {
  const counts = new Map<number, Map<string, number>>();
  for (const it of items) {
    const m = counts.get(it.categoryId) ?? new Map<string, number>();
    counts.set(it.categoryId, m);
    for (const tag of new Set(it.text.tags.map((t) => t.trim().toLowerCase()).filter((t) => t.length > 1))) {
      m.set(tag, (m.get(tag) ?? 0) + 1);
    }
  }
  const out: CategoryTags = {};
  for (const [cls, m] of counts) {
    out[String(cls)] = [...m.entries()]
      .filter(([, n]) => n >= 2)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, 50)
      .map(([t]) => t);
  }
  return out;
}

function modelOf(data: ModelData, heads: Head[]): Model {
  return { data, index: new Map(data.vocab.map((f, j) => [f, j])), heads };
}

/** The options of a training: the defaults, overridden by `options` (its `features` merged one by one). */
export function trainOptions(options: Partial<TrainOptions> = {}): TrainOptions {
  return { ...DEFAULT_TRAIN, ...options, features: { ...DEFAULT_TRAIN.features, ...options.features } };
}

/**
 * Trains a model on labelled courses. Throws a RangeError when fewer than two categories are present (there is
 * nothing to learn) — the caller reports it instead of storing a useless model.
 * Cost: O(epochs × courses × non-zero features × categories) for logreg / svm, one pass for the others; twice
 * (calibration model, then the model on all courses). 25k courses on a busy 2-core machine: about 30 s for the
 * default, 66 s for logreg, both within the worker's 192 MB heap.
 * Memory: the feature maps are built one course at a time; logreg / svm keep every course's vector (single
 * precision, about 1 KB a course); weights are K × V doubles (17 × 30k: 4 MB a head).
 */
export function train(items: readonly LabelledCourse[], options: Partial<TrainOptions> = {}): Model {
  const o = trainOptions(options);
  const classes = [...new Set(items.map((i) => i.categoryId))].sort((a, b) => a - b);
  if (classes.length < 2) throw new RangeError(`training needs courses in at least two categories (got ${classes.length})`);
  const classIndex = new Map(classes.map((c, k) => [c, k]));
  const K = classes.length;
  // The vector head: each course's summed word vector, computed once (128 doubles a course, off the JS heap).
  const table = o.vectorWeight > 0 ? shippedWordVectors() : null;
  const scales = table && o.vectorWhiten > 0 ? dimensionScales(table, o.vectorWhiten) : null;
  const vectorOf = new Map<LabelledCourse, Float64Array | null>();
  if (table) for (const it of items) vectorOf.set(it, textVector(table, it.text, o.features, scales));
  const centroidsOf = (subset: readonly LabelledCourse[]): Float64Array =>
    fitVectorCentroids(subset.map((it) => vectorOf.get(it) ?? null), subset.map((it) => classIndex.get(it.categoryId)!), K, table!.dim);

  const fitAll = (subset: readonly LabelledCourse[]): Model => {
    // Two passes over the courses (document frequencies, then vectors), each course's features built and dropped
    // in turn: a 25k-course catalogue never holds 25k feature maps at once.
    const { vocab, idf } = buildVocabulary((function* () {
      for (const it of subset) yield extractFeatures(it.text, o.features);
    })(), o);
    const index = new Map(vocab.map((f, j) => [f, j]));
    const visit: Visit = (fn) => {
      for (const it of subset) fn(courseVector(it.text, index, idf, o.features), classIndex.get(it.categoryId)!);
    };
    const heads: Head[] = fitHeads(visit, classes.length, vocab.length, o).map(({ method, fitted }) => ({
      method,
      weights: fitted.weights,
      bias: fitted.bias,
      temperature: 1,
    }));
    const data: ModelData = {
      format: MODEL_FORMAT as 2,
      method: o.method,
      features: o.features,
      classes,
      vocab,
      idf,
      weights: [],
      bias: [],
      temperature: 1,
      tags: categoryTags(subset),
    };
    return modelOf(data, heads);
  };

  let temperatures: number[] | null = null;
  let vectorTemperature = 1;
  let mixTemperature = 1;
  if (o.calibrationShare > 0 && items.length >= 20) {
    const { train: part, test: held } = stratifiedSplit(items, o.calibrationShare, o.seed + 1);
    if (held.length > 0 && new Set(part.map((p) => p.categoryId)).size >= 2) {
      const sub = fitAll(part);
      const xs = held.map((h) => courseVector(h.text, sub.index, sub.data.idf, o.features));
      const ys = held.map((h) => classIndex.get(h.categoryId)!);
      temperatures = sub.heads.map((head) => fitTemperature(xs.map((x) => scoresOf(head, x, classes.length, sub.data.vocab.length)), ys));
      if (table) {
        const c = centroidsOf(part);
        const withVector = held.filter((h) => vectorOf.get(h));
        if (withVector.length > 0) {
          const ys = withVector.map((h) => classIndex.get(h.categoryId)!);
          const vscores = withVector.map((h) => centroidScores(c, vectorOf.get(h)!, new Float64Array(K)));
          vectorTemperature = fitTemperature(vscores, ys);
          if (o.vectorMix === 'geometric') {
            // The product's own temperature, on the same held-out courses: the log of each head's calibrated
            // probabilities, weighted (a product of calibrated experts is over-confident when they agree).
            const xOf = new Map(held.map((h, i) => [h, xs[i]!]));
            const logs = withVector.map((h, i) => {
              const x = xOf.get(h)!;
              const p = new Float64Array(K);
              sub.heads.forEach((head, hi) => {
                const q = softmax(scoresOf(head, x, K, sub.data.vocab.length), temperatures![hi]!);
                for (let k = 0; k < K; k++) p[k]! += q[k]! / sub.heads.length;
              });
              const q = softmax(vscores[i]!, vectorTemperature);
              return Float64Array.from(p, (pk, k) => geometricScore(pk, q[k]!, o.vectorWeight));
            });
            mixTemperature = fitTemperature(logs, ys);
          }
        }
      }
    }
  }
  const full = fitAll(items);
  full.heads.forEach((h, i) => {
    h.temperature = temperatures?.[i] ?? 1;
  });
  full.data.temperature = full.heads[0]!.temperature;
  if (table) {
    const centroids = centroidsOf(items);
    const geometric = o.vectorMix === 'geometric';
    full.vectors = vectorHeadOf(table, centroids, vectorTemperature, o.vectorWeight, K, scales, geometric, mixTemperature);
    full.data.vectors = {
      table: table.id,
      dim: table.dim,
      centroids: rounded(centroids),
      temperature: vectorTemperature,
      weight: o.vectorWeight,
      ...(o.vectorWhiten > 0 ? { whiten: o.vectorWhiten } : {}),
      ...(geometric ? { mix: 'geometric' as const, mixTemperature } : {}),
    };
  }
  return full;
}

/**
 * What prediction needs of one token, once per model: stop-word kind and accent signal (language guess), folded
 * form (tag search) and, per language, its stem and its features' indices in the vocabulary.
 */
/**
 * Fills `infos` with each token's cached facts and says the course's language: French when its French function
 * words and accented words outnumber its English function words (the stemmer is chosen by it).
 */
function readTokens(m: Model, ws: readonly (string | null)[], infos: TokenInfo[]): 'fr' | 'en' {
  let fr = 0;
  let en = 0;
  for (let i = 0; i < ws.length; i++) {
    const info = tokenInfo(m, ws[i]!);
    infos[i] = info;
    if (info.stop & 1) fr++;
    if (info.stop & 2) en++;
    fr += info.accent;
  }
  return fr > en ? 'fr' : 'en';
}

function tokenInfo(m: Model, w: string): TokenInfo {
  const tokens = (m.tokens ??= new Map());
  let info = tokens.get(w);
  if (!info && m.data.features.skipNumbers === true && isDigits(w)) {
    // Not cached: an import's running numbers ("volume 12345") would fill the cache and evict the real words.
    return { stop: 0, accent: 0, skipped: true, vrow: -1, vec: null, vn: 0, folded: w, fr: null, en: null };
  }
  if (!info) {
    // Every field set here, the per-language ones null until needed: one object shape for every token.
    info = {
      stop: stopKind(w),
      accent: accentSignal(w),
      skipped: isSkipped(w, m.data.features),
      vrow: m.vectors?.table.rows.get(w) ?? -1,
      vec: null,
      vn: 0,
      folded: foldWord(w),
      fr: null,
      en: null,
    };
    // Bounded: cleared when full, so a stream of new words (references, names) cannot grow it for ever.
    if (tokens.size >= 20_000) tokens.clear();
    tokens.set(w, info);
  }
  return info;
}

/** Whether a token is made of ASCII digits only (what `skipNumbers` skips; same rule as text.ts's isSkipped). */
function isDigits(w: string): boolean {
  for (let i = 0; i < w.length; i++) {
    const c = w.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return w.length > 0;
}

function stemmed(m: Model, w: string, info: TokenInfo, lang: 'fr' | 'en'): WordHit {
  let hit = info[lang];
  if (!hit) {
    const wf = wordFeatures(w, lang, m.data.features);
    const idx: number[] = [];
    for (const f of wf.features) {
      const j = m.index.get(f);
      if (j !== undefined) idx.push(j);
    }
    hit = { stem: wf.stem, idx: Int32Array.from(idx), proj: null, sq: 0, n: 0 };
    info[lang] = hit;
  }
  return hit;
}

/** The scratch arrays of a model's predictions, grown as needed (predictions are synchronous, one at a time). */
function scratchOf(m: Model): NonNullable<Model['scratch']> {
  const K = m.data.classes.length;
  return (m.scratch ??= {
    counts: new Float64Array(m.data.vocab.length),
    touched: new Int32Array(1024),
    val: new Float64Array(1024),
    scores: new Float64Array(K * m.heads.length),
    probs: new Float64Array(K),
    part: new Float64Array(K),
    infos: [],
    hits: [],
  });
}

function pairIndexOf(m: Model): Map<string, Map<string, number>> {
  let pairs = m.pairIndex;
  if (!pairs) {
    pairs = new Map();
    m.data.vocab.forEach((f, j) => {
      if (!f.startsWith('b:')) return;
      const [a, b] = f.slice(2).split(' ') as [string, string];
      let inner = pairs!.get(a);
      if (!inner) pairs!.set(a, (inner = new Map()));
      inner.set(b, j);
    });
    m.pairIndex = pairs;
  }
  return pairs;
}

/**
 * The same vector as `vectorise(extractFeatures(...))`, without building feature strings per row: each distinct
 * token's features are looked up once per model, counts go to a reused scratch array. Returns the number of
 * non-zero features, left in `scratch.touched` / `scratch.val` (valid until the next call), and the course's
 * tokens in `scratch.infos` (first `tokens` entries). This is what keeps a 25k-row import cheap.
 */
function vectoriseText(m: Model, text: CourseText): { nnz: number; tokens: number } {
  const opts = m.data.features;
  const pairs = opts.wordBigrams ? pairIndexOf(m) : null;
  const sc = scratchOf(m);
  const counts = sc.counts;
  const ws = tokenise(courseText(text, opts.titleWeight));
  const infos = sc.infos;
  const lang = readTokens(m, ws, infos);
  let touched = sc.touched;
  let nt = 0;
  let prev: string | null = null;
  for (let i = 0; i < ws.length; i++) {
    const info = infos[i]!;
    if (info.skipped) {
      prev = null;
      continue;
    }
    const hit = info[lang] ?? stemmed(m, ws[i]!, info, lang);
    const hidx = hit.idx;
    // One more slot than the word's features: its pair with the previous word.
    if (nt + hidx.length + 1 > touched.length) {
      const bigger = new Int32Array(Math.max(touched.length * 2, nt + hidx.length + 1));
      bigger.set(touched);
      sc.touched = touched = bigger;
    }
    for (let q = 0; q < hidx.length; q++) {
      const j = hidx[q]!;
      if (counts[j] === 0) touched[nt++] = j;
      counts[j]! += 1;
    }
    if (pairs !== null && prev !== null) {
      const j = pairs.get(prev)?.get(hit.stem);
      if (j !== undefined) {
        if (counts[j] === 0) touched[nt++] = j;
        counts[j]! += 1;
      }
    }
    prev = hit.stem;
  }
  if (sc.val.length < touched.length) sc.val = new Float64Array(touched.length);
  const val = sc.val;
  let norm = 0;
  const idf = m.data.idf;
  for (let i = 0; i < nt; i++) {
    const j = touched[i]!;
    const c = counts[j]!;
    const v = (c === 1 ? 1 : 1 + Math.log(c)) * idf[j]!;
    counts[j] = 0;
    val[i] = v;
    norm += v * v;
  }
  norm = Math.sqrt(norm) || 1;
  for (let i = 0; i < nt; i++) val[i]! /= norm;
  return { nnz: nt, tokens: ws.length };
}

/**
 * All heads' weights in one matrix [feature][head × K + class] (built on first use): a course's features are read
 * once whatever the number of heads, each feature's weights contiguous.
 */
function stackedOf(m: Model): Float64Array {
  let wt = m.byFeature;
  if (!wt) {
    const K = m.data.classes.length;
    const V = m.data.vocab.length;
    const H = m.heads.length;
    wt = new Float64Array(V * H * K);
    m.heads.forEach((h, hi) => {
      for (let k = 0; k < K; k++) for (let j = 0; j < V; j++) wt![j * H * K + hi * K + k] = h.weights[k * V + j]!;
    });
    m.byFeature = wt;
  }
  return wt;
}

/** Every head's scores of a sparse vector (first `nnz` entries of idx / val) into `scratch.scores`. */
function scoresInto(m: Model, idx: Int32Array, val: Float64Array, nnz: number): void {
  const K = m.data.classes.length;
  const H = m.heads.length;
  const W = H * K;
  const wt = stackedOf(m);
  const s = scratchOf(m).scores;
  for (let h = 0; h < H; h++) s.set(m.heads[h]!.bias, h * K);
  for (let i = 0; i < nnz; i++) {
    const base = idx[i]! * W;
    const v = val[i]!;
    for (let k = 0; k < W; k++) s[k]! += wt[base + k]! * v;
  }
}

/** The calibrated probabilities of the heads' scores left in `scratch.scores` (the scratch's `probs`). */
function probsOfScores(m: Model): Float64Array {
  const K = m.data.classes.length;
  const H = m.heads.length;
  const sc = m.scratch!;
  const s = sc.scores;
  const p = sc.probs;
  if (H === 1) return softmax(s, m.heads[0]!.temperature, p);
  p.fill(0);
  for (let h = 0; h < H; h++) {
    softmax(s.subarray(h * K, h * K + K), m.heads[h]!.temperature, sc.part);
    for (let k = 0; k < K; k++) p[k]! += sc.part[k]! / H;
  }
  return p;
}

/**
 * Mixes the word-vector head's probabilities into `p` (the linear heads', in place) for the course whose tokens
 * are the first `tokens` of `scratch.infos`: (1 - w) p + w q. Unchanged without a vector head, or when no word
 * of the course is in the table.
 */
function mixVectors(m: Model, p: Float64Array, tokens: number): Float64Array {
  const v = m.vectors;
  if (!v) return p;
  const sum = v.sum;
  sum.fill(0);
  let found = 0;
  const infos = m.scratch!.infos;
  // Each distinct word once, weighted by its count (a title is read twice, lesson titles repeat words).
  const distinct = v.distinct;
  for (let i = 0; i < tokens; i++) {
    const info = infos[i]!;
    if (info.skipped || info.vrow < 0) continue;
    if (info.vn++ === 0) distinct.push(info);
    found++;
  }
  for (const info of distinct) {
    let x = info.vec;
    if (x === null) {
      const row = new Float64Array(v.table.dim);
      addRow(v.table, info.vrow, row);
      x = info.vec = Float32Array.from(row);
    }
    const c = info.vn;
    info.vn = 0;
    for (let d = 0; d < x.length; d++) sum[d]! += c * x[d]!;
  }
  distinct.length = 0;
  if (found === 0) return p;
  if (v.scales) for (let d = 0; d < sum.length; d++) sum[d]! *= v.scales[d]!;
  const q = vectorProbs(v, sum);
  if (!v.geometric) {
    for (let k = 0; k < p.length; k++) p[k] = (1 - v.weight) * p[k]! + v.weight * q[k]!;
    return p;
  }
  for (let k = 0; k < p.length; k++) p[k] = geometricScore(p[k]!, q[k]!, v.weight);
  return softmax(p, v.mixTemperature, p);
}

/** The log-score of a category in the geometric mix: (1 - w) log p + w log q (probabilities floored at 1e-12). */
function geometricScore(p: number, q: number, w: number): number {
  return (1 - w) * Math.log(Math.max(p, 1e-12)) + w * Math.log(Math.max(q, 1e-12));
}

/** Cosine of `sum` with each centroid, then the calibrated softmax (the head's scratch `probs`). */
function vectorProbs(v: VectorHead, sum: Float64Array): Float64Array {
  return softmax(centroidScores(v.centroids, sum, v.scores), v.temperature, v.probs);
}

/** Cosine of `x` with each unit row of `centroids` (row-major [class][dimension]) into `out`. */
function centroidScores(centroids: Float64Array, x: Float64Array, out: Float64Array): Float64Array {
  const D = x.length;
  let n = 0;
  for (let d = 0; d < D; d++) n += x[d]! * x[d]!;
  n = Math.sqrt(n) || 1;
  for (let k = 0; k < out.length; k++) {
    let s = 0;
    for (let d = 0; d < D; d++) s += centroids[k * D + d]! * x[d]!;
    out[k] = s / n;
  }
  return out;
}

/**
 * The summed word vector of a course's text (the words the model reads, stop words and numbers skipped), times
 * `scales` per dimension when given; null when no word is in the table.
 */
function textVector(t: WordVectors, text: CourseText, opts: FeatureOptions, scales: Float64Array | null): Float64Array | null {
  const sum = new Float64Array(t.dim);
  let found = 0;
  for (const w of tokenise(courseText(text, opts.titleWeight))) {
    if (isSkipped(w, opts)) continue;
    const row = t.rows.get(w);
    if (row === undefined) continue;
    addRow(t, row, sum);
    found++;
  }
  if (found === 0) return null;
  if (scales) for (let d = 0; d < sum.length; d++) sum[d]! *= scales[d]!;
  return sum;
}

/** Unit centroids of the courses' vectors per class (row-major [class][dimension]); a class with none stays zero. */
function fitVectorCentroids(vectors: readonly (Float64Array | null)[], ys: readonly number[], K: number, D: number): Float64Array {
  const c = new Float64Array(K * D);
  vectors.forEach((x, i) => {
    if (!x) return;
    let n = 0;
    for (let d = 0; d < D; d++) n += x[d]! * x[d]!;
    n = Math.sqrt(n) || 1;
    for (let d = 0; d < D; d++) c[ys[i]! * D + d]! += x[d]! / n;
  });
  for (let k = 0; k < K; k++) {
    let n = 0;
    for (let d = 0; d < D; d++) n += c[k * D + d]! ** 2;
    n = Math.sqrt(n) || 1;
    for (let d = 0; d < D; d++) c[k * D + d]! /= n;
  }
  return c;
}

function vectorHeadOf(
  table: WordVectors,
  centroids: Float64Array,
  temperature: number,
  weight: number,
  K: number,
  scales: Float64Array | null,
  geometric: boolean,
  mixTemperature: number,
): VectorHead {
  return {
    table, centroids, temperature, weight, scales, geometric, mixTemperature,
    sum: new Float64Array(table.dim), scores: new Float64Array(K), probs: new Float64Array(K), distinct: [],
  };
}

/**
 * Every head's scores of one course computed the slow way, from the training vector of its text (feature strings,
 * maps): the reference the prediction path must equal. For calibration and tests; throws nothing.
 */
export function referenceScores(m: Model, text: CourseText): Float64Array[] {
  const x = courseVector(text, m.index, m.data.idf, m.data.features);
  return m.heads.map((h) => scoresOf(h, x, m.data.classes.length, m.data.vocab.length));
}

/** Scores of a standalone vector by one head (calibration: not the prediction path). */
function scoresOf(h: Head, x: SparseVec, K: number, V: number): Float64Array {
  const out = Float64Array.from(h.bias);
  for (let i = 0; i < x.idx.length; i++) {
    const j = x.idx[i]!;
    const v = x.val[i]!;
    for (let k = 0; k < K; k++) out[k]! += h.weights[k * V + j]! * v;
  }
  return out;
}

/**
 * The most likely category of one course with its calibrated confidence in [0, 1], and up to 5 suggested tags:
 * tags the predicted category's training courses use (two or more of them) that this course's text mentions and
 * that it does not already have. Returns null for a course with no known feature (an empty or foreign text).
 */
export function predict(m: Model, text: CourseText): Prediction | null {
  const r = scoreText(m, text);
  if (r === null) return null;
  const p = mixVectors(m, probsOfScores(m), r.tokens);
  let best = 0;
  for (let k = 1; k < p.length; k++) if (p[k]! > p[best]!) best = k;
  const categoryId = m.data.classes[best]!;
  const confidence = p[best]!;
  return { categoryId, confidence, suggestedTags: suggestTags(m, categoryId, text, m.scratch!.infos, r.tokens) };
}

/** The class probabilities of one course in the order of `m.data.classes` (null: no known feature). */
export function predictProba(m: Model, text: CourseText): Float64Array | null {
  const r = scoreText(m, text);
  return r === null ? null : Float64Array.from(mixVectors(m, probsOfScores(m), r.tokens));
}

/**
 * Every head's scores of one course into `scratch.scores`, by the model's term-frequency scheme; null when the
 * course has no known feature. `tokens`: how many entries of `scratch.infos` are the course's tokens.
 */
function scoreText(m: Model, text: CourseText): { tokens: number } | null {
  if (m.data.features.perWordTf) return scoreWords(m, text);
  const { nnz, tokens } = vectoriseText(m, text);
  if (nnz === 0) return null;
  const sc = m.scratch!;
  scoresInto(m, sc.touched, sc.val, nnz);
  return { tokens };
}

/**
 * Per-word term frequency ({@link FeatureOptions.perWordTf}): the scores are b + (1/z) Σ over distinct words of
 * (1 + log count) × (the word's cached scores), z the norm of the training vectors; word pairs are one feature
 * each. Exactly the scores of the training vector, at the cost of a few multiplications per word.
 */
function scoreWords(m: Model, text: CourseText): { tokens: number } | null {
  const opts = m.data.features;
  const pairs = opts.wordBigrams ? pairIndexOf(m) : null;
  const sc = scratchOf(m);
  const K = m.data.classes.length;
  const H = m.heads.length;
  const W = H * K;
  const wt = stackedOf(m);
  const idf = m.data.idf;
  const ws = tokenise(courseText(text, opts.titleWeight));
  const infos = sc.infos;
  const lang = readTokens(m, ws, infos);
  const hits = sc.hits;
  let nh = 0;
  const counts = sc.counts;
  let touched = sc.touched;
  let np = 0;
  let prev: string | null = null;
  for (let i = 0; i < ws.length; i++) {
    const info = infos[i]!;
    if (info.skipped) {
      prev = null;
      continue;
    }
    const hit = info[lang] ?? stemmed(m, ws[i]!, info, lang);
    if (hit.n++ === 0) hits[nh++] = hit;
    if (pairs !== null && prev !== null) {
      const j = pairs.get(prev)?.get(hit.stem);
      if (j !== undefined) {
        if (counts[j] === 0) {
          if (np === touched.length) {
            const bigger = new Int32Array(touched.length * 2);
            bigger.set(touched);
            sc.touched = touched = bigger;
          }
          touched[np++] = j;
        }
        counts[j]! += 1;
      }
    }
    prev = hit.stem;
  }
  const s = sc.scores;
  s.fill(0);
  let z = 0;
  for (let h = 0; h < nh; h++) {
    const hit = hits[h]!;
    const a = hit.n === 1 ? 1 : 1 + Math.log(hit.n);
    hit.n = 0;
    if (hit.idx.length === 0) continue;
    const proj = hit.proj ?? projectWord(hit, wt, idf, W);
    for (let k = 0; k < W; k++) s[k]! += a * proj[k]!;
    z += a * a * hit.sq;
  }
  hits.length = 0;
  for (let q = 0; q < np; q++) {
    const j = touched[q]!;
    const c = counts[j]!;
    counts[j] = 0;
    const v = (c === 1 ? 1 : 1 + Math.log(c)) * idf[j]!;
    const base = j * W;
    for (let k = 0; k < W; k++) s[k]! += v * wt[base + k]!;
    z += v * v;
  }
  if (z === 0) return null;
  z = Math.sqrt(z);
  for (let h = 0; h < H; h++) {
    const bias = m.heads[h]!.bias;
    for (let k = 0; k < K; k++) s[h * K + k] = s[h * K + k]! / z + bias[k]!;
  }
  return { tokens: ws.length };
}

/** A word's idf vector times every head's weights (H × K) and its squared norm, cached on the word. */
function projectWord(hit: WordHit, wt: Float64Array, idf: ArrayLike<number>, W: number): Float64Array {
  const proj = new Float64Array(W);
  const u = new Map<number, number>();
  for (let q = 0; q < hit.idx.length; q++) {
    const j = hit.idx[q]!;
    u.set(j, (u.get(j) ?? 0) + idf[j]!);
  }
  let sq = 0;
  for (const [j, v] of u) {
    sq += v * v;
    const base = j * W;
    for (let k = 0; k < W; k++) proj[k]! += v * wt[base + k]!;
  }
  hit.proj = proj;
  hit.sq = sq;
  return proj;
}

function needleOf(tag: string): string {
  return fold(tag).replace(/[^\p{L}\p{N}#+]+/gu, ' ').trim();
}

function suggestTags(m: Model, categoryId: number, text: CourseText, infos: TokenInfo[], n: number): string[] {
  const candidates = m.data.tags[String(categoryId)] ?? [];
  if (candidates.length === 0) return [];
  // Folded needles once per model (the tags of each category are fixed once trained): one-word tags by their
  // word (a folded token of the course equals it), longer ones as a spaced substring.
  const needles = (m.tagNeedles ??= new Map());
  let set = needles.get(categoryId);
  if (!set) {
    const single = new Map<string, number[]>();
    const multi: { at: number; needle: string }[] = [];
    candidates.forEach((tag, at) => {
      const needle = needleOf(tag);
      if (needle.length === 0) return;
      if (needle.includes(' ')) multi.push({ at, needle: ` ${needle} ` });
      else single.set(needle, [...(single.get(needle) ?? []), at]);
    });
    set = { single, multi };
    needles.set(categoryId, set);
  }
  // Candidates the course mentions, by their rank among the category's tags (most used first).
  const found: number[] = [];
  for (let i = 0; i < n; i++) {
    const ats = set.single.get(infos[i]!.folded);
    if (ats !== undefined) for (const at of ats) if (!found.includes(at)) found.push(at);
  }
  if (set.multi.length > 0) {
    // The folded words of the course, stop words kept ("gestion de projet").
    let hay = ' ';
    for (let i = 0; i < n; i++) hay += `${infos[i]!.folded} `;
    for (const { at, needle } of set.multi) if (hay.includes(needle)) found.push(at);
  }
  if (found.length === 0) return [];
  found.sort((x, y) => x - y);
  const have = text.tags.map((t) => t.trim().toLowerCase());
  const out: string[] = [];
  for (const at of found) {
    if (out.length >= 5) break;
    const tag = candidates[at]!;
    if (!have.includes(tag)) out.push(tag);
  }
  return out;
}

/** Weights rounded to 6 significant digits (the JSON is about half as long, same predictions). */
function rounded(w: Float64Array): number[] {
  return Array.from(w, (v) => (v === 0 ? 0 : Number(v.toPrecision(6))));
}

/** The model as stored (format 2; a one-head model is also a valid format-1 model but for its `format`). */
export function serialise(m: Model): ModelData {
  const [first, ...rest] = m.heads;
  const data: ModelData = {
    ...m.data,
    weights: rounded(first!.weights),
    bias: Array.from(first!.bias),
    temperature: first!.temperature,
  };
  if (rest.length > 0) {
    data.members = rest.map((h) => ({ method: h.method, weights: rounded(h.weights), bias: Array.from(h.bias), temperature: h.temperature }));
  } else {
    delete data.members;
  }
  return data;
}

/**
 * A stored model back in memory: format 1 (one head, the feature options of its day) or 2. Throws a TypeError
 * when the data is not a model of a known format or its arrays do not match its vocabulary and classes — the
 * caller then has no model and a retrain (the models page's *Retrain now*, or the nightly Schedule) stores one.
 */
export function deserialise(data: unknown): Model {
  const d = data as Partial<ModelData> | null;
  const K = Array.isArray(d?.classes) ? d.classes.length : 0;
  const V = Array.isArray(d?.vocab) ? d.vocab.length : 0;
  const headOk = (h: Partial<StoredHead> | undefined): boolean =>
    !!h && Array.isArray(h.weights) && h.weights.length === K * V && Array.isArray(h.bias) && h.bias.length === K && typeof h.temperature === 'number';
  if (
    !d ||
    (d.format !== 1 && d.format !== 2) ||
    K === 0 ||
    !Array.isArray(d.idf) ||
    d.idf.length !== V ||
    !headOk(d as Partial<StoredHead>) ||
    (d.format === 1 && d.members !== undefined) ||
    (d.members !== undefined && (!Array.isArray(d.members) || !d.members.every(headOk)))
  ) {
    throw new TypeError(`stored category model is not a model of format 1 or 2 (format ${String(d?.format)}): retrain it`);
  }
  const full = d as ModelData;
  const toHead = (h: { weights: number[]; bias: number[]; temperature: number }, method: LinearMethod): Head => ({
    method,
    weights: Float64Array.from(h.weights),
    bias: Float64Array.from(h.bias),
    temperature: h.temperature,
  });
  // Which linear method the first head of an ensemble is matters to nothing but reports.
  const firstMethod: LinearMethod = full.method === 'ensemble' ? DEFAULT_TRAIN.ensemble[0]! : full.method;
  const heads = [toHead(full, firstMethod), ...(full.members ?? []).map((h) => toHead(h, h.method))];
  // The weights live in typed arrays (outside the JS heap the worker's --max-old-space-size bounds); the parsed
  // JSON arrays are dropped so they can be collected.
  const { members: _members, ...rest } = full;
  const m = modelOf({ ...rest, weights: [], bias: Array.from(full.bias) }, heads);
  // The vector head only with the table it was trained with: another table's dimensions mean other things.
  const v = full.vectors;
  const table = v ? shippedWordVectors() : null;
  if (v && table && v.table === table.id && v.dim === table.dim && Array.isArray(v.centroids) && v.centroids.length === K * v.dim) {
    // Absent whitening and mix (models stored before them): the linear mix of unwhitened vectors they were made with.
    const whiten = typeof v.whiten === 'number' && v.whiten > 0 ? v.whiten : 0;
    const geometric = v.mix === 'geometric';
    const mixT = geometric && typeof v.mixTemperature === 'number' && v.mixTemperature > 0 ? v.mixTemperature : 1;
    m.vectors = vectorHeadOf(table, Float64Array.from(v.centroids), v.temperature, v.weight, K, whiten > 0 ? dimensionScales(table, whiten) : null, geometric, mixT);
  }
  return m;
}

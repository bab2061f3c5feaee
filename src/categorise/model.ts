/**
 * The auto-categorisation model (issue 14): a linear classifier over TF-IDF features of a course's text
 * (stemmed words, word pairs and character n-grams, see ./text.ts), with a confidence calibrated by temperature
 * scaling (Guo et al., "On Calibration of Modern Neural Networks", 2017: one scalar T fitted on held-out data
 * so that softmax(scores / T) matches observed accuracy). Pure code: no I/O, deterministic for a given input.
 *
 * Three methods share the linear form `score_k(x) = w_k · x + b_k`, so one predictor serves them all:
 * - `logreg`: multinomial logistic regression trained by SGD with L2 regularisation;
 * - `nb`: multinomial naive Bayes over TF-IDF weights (Rennie et al. 2003, "Tackling the Poor Assumptions of
 *   Naive Bayes Text Classifiers"), Lidstone smoothing (the default: as accurate as logreg here, 5x cheaper);
 * - `centroid`: nearest centroid by cosine (Rocchio).
 */
import type { CourseText } from './contract';
import { courseWords, DEFAULT_FEATURES, extractFeatures, fold, foldWord, wordFeatures, type FeatureOptions } from './text';

export type Method = 'logreg' | 'nb' | 'centroid';
export const METHODS: readonly Method[] = ['logreg', 'nb', 'centroid'];

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
  /** logreg: passes over the data, initial learning rate, L2 strength. */
  epochs: number;
  learningRate: number;
  l2: number;
  /** nb: smoothing added to each feature's weight per class. */
  alpha: number;
  /** Share of the training data held out to fit the confidence temperature (0: no calibration, T = 1). */
  calibrationShare: number;
  /** Seed of the deterministic shuffles. */
  seed: number;
}

// Naive Bayes by default: on the evaluation set it is as accurate as logistic regression (0.68 vs 0.68 over three
// splits) and trains five times faster; see the README of test/fixtures/categorisation for the figures.
export const DEFAULT_TRAIN: TrainOptions = {
  method: 'nb',
  features: DEFAULT_FEATURES,
  minDocFreq: 2,
  // 30k features x 30 categories: 7 MB of weights in memory, about 10 MB of JSON stored.
  maxFeatures: 30000,
  epochs: 25,
  learningRate: 0.5,
  l2: 1e-5,
  alpha: 0.05,
  calibrationShare: 0.2,
  seed: 14,
};

/** Most frequent tags per category, to suggest the ones a new course's text mentions. */
export type CategoryTags = Record<string, string[]>;

/** A trained model as stored (JSON, in `category_models.model`). Weights are row-major [class][feature]. */
export interface ModelData {
  format: 1;
  method: Method;
  features: FeatureOptions;
  classes: number[];
  vocab: string[];
  idf: number[];
  weights: number[];
  bias: number[];
  temperature: number;
  tags: CategoryTags;
}

/** A model ready to predict: the stored data with its vocabulary indexed. */
export interface Model {
  data: ModelData;
  index: Map<string, number>;
  weights: Float64Array;
  /** The weights transposed, [feature][class]: a feature's K weights are contiguous for prediction. */
  byFeature?: Float64Array;
  /** Per language, per word: its stem and the indices of its features in this model's vocabulary. */
  wordIndex?: { fr: Map<string, { stem: string; idx: Int32Array }>; en: Map<string, { stem: string; idx: Int32Array }> };
  /** Word pairs of the vocabulary: first stem -> second stem -> feature index (no string built per pair). */
  pairIndex?: Map<string, Map<string, number>>;
  /** Scratch counts per feature, reused by each prediction (predictions are synchronous, one at a time). */
  scratch?: Float64Array;
  /** Per category: its common tags with their folded form, for suggestTags. */
  tagNeedles?: Map<number, { tag: string; needle: string }[]>;
}

/** One prediction: the best category, its calibrated probability, and tags the category's courses use. */
export interface Prediction {
  categoryId: number;
  confidence: number;
  suggestedTags: string[];
}

interface SparseVec {
  idx: Int32Array;
  val: Float64Array;
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
  return { idx: Int32Array.from(idx), val: Float64Array.from(val, (v) => v / norm) };
}

function softmax(scores: Float64Array, temperature: number): Float64Array {
  let max = -Infinity;
  for (const s of scores) if (s > max) max = s;
  const out = new Float64Array(scores.length);
  let sum = 0;
  for (let k = 0; k < scores.length; k++) {
    out[k] = Math.exp((scores[k]! - max) / temperature);
    sum += out[k]!;
  }
  for (let k = 0; k < out.length; k++) out[k]! /= sum;
  return out;
}

function scoresOf(x: SparseVec, weights: Float64Array, bias: ArrayLike<number>, nFeatures: number): Float64Array {
  const K = bias.length;
  const s = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    let acc = bias[k]!;
    const base = k * nFeatures;
    for (let i = 0; i < x.idx.length; i++) acc += weights[base + x.idx[i]!]! * x.val[i]!;
    s[k] = acc;
  }
  return s;
}

interface Fitted {
  weights: Float64Array;
  bias: Float64Array;
}

function fitLogreg(xs: SparseVec[], ys: number[], K: number, V: number, o: TrainOptions): Fitted {
  const w = new Float64Array(K * V);
  const b = new Float64Array(K);
  const order = xs.map((_, i) => i);
  const rand = rng(o.seed);
  let step = 0;
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    shuffle(order, rand);
    for (const i of order) {
      // Inverse-scaling learning rate (as scikit-learn's SGDClassifier 'invscaling'): large steps first.
      const lr = o.learningRate / Math.sqrt(1 + step / xs.length);
      step++;
      const x = xs[i]!;
      const p = softmax(scoresOf(x, w, b, V), 1);
      for (let k = 0; k < K; k++) {
        const g = p[k]! - (ys[i] === k ? 1 : 0);
        if (Math.abs(g) < 1e-6) continue;
        const base = k * V;
        for (let t = 0; t < x.idx.length; t++) w[base + x.idx[t]!]! -= lr * g * x.val[t]!;
        b[k]! -= lr * g * 0.1;
      }
    }
    // L2 as one weight decay per epoch: cheaper than per-sample decay on K x V weights, same fixed point.
    const decay = 1 - o.learningRate * o.l2 * xs.length;
    if (decay < 1) for (let j = 0; j < w.length; j++) w[j]! *= Math.max(0, decay);
  }
  return { weights: w, bias: b };
}

/**
 * Calls `fn` with each training course's vector and class index, computing the vectors one at a time: naive Bayes
 * and centroids need only sums, so a large catalogue's vectors are never all in memory (the worker's heap is small).
 */
type Visit = (fn: (x: SparseVec, y: number) => void) => void;

function fitNaiveBayes(visit: Visit, K: number, V: number, o: TrainOptions): Fitted {
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
  const w = new Float64Array(K * V);
  const b = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    const denom = total[k]! + o.alpha * V;
    for (let j = 0; j < V; j++) w[k * V + j] = Math.log((mass[k * V + j]! + o.alpha) / denom);
    b[k] = Math.log(docs[k]! / n);
  }
  return { weights: w, bias: b };
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

function fit(visit: Visit, K: number, V: number, o: TrainOptions): Fitted {
  if (o.method === 'nb') return fitNaiveBayes(visit, K, V, o);
  if (o.method === 'centroid') return fitCentroid(visit, K, V);
  // Logistic regression passes over the data many times: its vectors are kept (typed arrays, off the JS heap).
  const xs: SparseVec[] = [];
  const ys: number[] = [];
  visit((x, y) => {
    xs.push(x);
    ys.push(y);
  });
  return fitLogreg(xs, ys, K, V, o);
}

/** The temperature minimising the negative log-likelihood of the held-out labels (a log-spaced grid search). */
function fitTemperature(scores: Float64Array[], ys: number[]): number {
  let best = 1;
  let bestNll = Infinity;
  for (let e = -3; e <= 3; e += 0.05) {
    const t = Math.exp(e);
    let nll = 0;
    scores.forEach((s, i) => {
      nll -= Math.log(Math.max(1e-12, softmax(s, t)[ys[i]!]!));
    });
    if (nll < bestNll) {
      bestNll = nll;
      best = t;
    }
  }
  return best;
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
  // Smoothed idf, as scikit-learn's TfidfVectorizer(smooth_idf=True): log((1 + N) / (1 + df)) + 1.
  return { vocab: kept.map(([k]) => k), idf: kept.map(([, n]) => Math.log((1 + N) / (1 + n)) + 1) };
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

function fromData(data: ModelData): Model {
  // The weights live in a typed array (outside the JS heap the worker's --max-old-space-size bounds); the parsed
  // JSON array is dropped so it can be collected.
  return { data: { ...data, weights: [] }, index: new Map(data.vocab.map((f, j) => [f, j])), weights: Float64Array.from(data.weights) };
}

/**
 * Trains a model on labelled courses. Throws a RangeError when fewer than two categories are present (there is
 * nothing to learn) — the caller reports it instead of storing a useless model.
 * Cost: O(epochs × courses × non-zero features × categories) for logreg; a few seconds for 25k courses.
 */
export function train(items: readonly LabelledCourse[], options: Partial<TrainOptions> = {}): Model {
  const o: TrainOptions = { ...DEFAULT_TRAIN, ...options, features: { ...DEFAULT_TRAIN.features, ...options.features } };
  const classes = [...new Set(items.map((i) => i.categoryId))].sort((a, b) => a - b);
  if (classes.length < 2) throw new RangeError(`training needs courses in at least two categories (got ${classes.length})`);
  const classIndex = new Map(classes.map((c, k) => [c, k]));

  const fitAll = (subset: readonly LabelledCourse[]): { data: ModelData; w: Float64Array } => {
    // Two passes over the courses (document frequencies, then vectors), each course's features built and dropped
    // in turn: a 25k-course catalogue never holds 25k feature maps at once.
    const { vocab, idf } = buildVocabulary((function* () {
      for (const it of subset) yield extractFeatures(it.text, o.features);
    })(), o);
    const index = new Map(vocab.map((f, j) => [f, j]));
    const visit: Visit = (fn) => {
      for (const it of subset) fn(vectorise(extractFeatures(it.text, o.features), index, idf), classIndex.get(it.categoryId)!);
    };
    const fitted = fit(visit, classes.length, vocab.length, o);
    const data: ModelData = {
      format: 1,
      method: o.method,
      features: o.features,
      classes,
      vocab,
      idf,
      weights: [],
      bias: Array.from(fitted.bias),
      temperature: 1,
      tags: categoryTags(subset),
    };
    return { data, w: fitted.weights };
  };

  let temperature = 1;
  if (o.calibrationShare > 0 && items.length >= 20) {
    const { train: part, test: held } = stratifiedSplit(items, o.calibrationShare, o.seed + 1);
    if (held.length > 0 && new Set(part.map((p) => p.categoryId)).size >= 2) {
      const sub = fitAll(part);
      const m: Model = { data: sub.data, index: new Map(sub.data.vocab.map((f, j) => [f, j])), weights: sub.w };
      const scores = held.map((h) => rawScores(m, h.text));
      temperature = fitTemperature(
        scores,
        held.map((h) => classIndex.get(h.categoryId)!),
      );
    }
  }
  const full = fitAll(items);
  full.data.temperature = temperature;
  return { data: full.data, index: new Map(full.data.vocab.map((f, j) => [f, j])), weights: full.w };
}

/**
 * The same vector as `vectorise(extractFeatures(...))`, without building feature strings per row: each distinct
 * word's feature indices are looked up once per model. This is what keeps a 25k-row import's predictions cheap.
 */
function vectoriseFast(m: Model, text: CourseText): { x: SparseVec; hay: string } {
  const opts = m.data.features;
  const V = m.data.vocab.length;
  const caches = (m.wordIndex ??= { fr: new Map(), en: new Map() });
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
  const counts = (m.scratch ??= new Float64Array(V));
  const touched: number[] = [];
  const bump = (j: number | undefined): void => {
    if (j === undefined) return;
    if (counts[j] === 0) touched.push(j);
    counts[j]! += 1;
  };
  const { lang, words, all } = courseWords(text, opts);
  const cache = caches[lang];
  let prev: string | null = null;
  for (const w of words) {
    if (w === null) {
      prev = null;
      continue;
    }
    let hit = cache.get(w);
    if (!hit) {
      const wf = wordFeatures(w, lang, opts);
      const idx: number[] = [];
      for (const f of wf.features) {
        const j = m.index.get(f);
        if (j !== undefined) idx.push(j);
      }
      hit = { stem: wf.stem, idx: Int32Array.from(idx) };
      if (cache.size >= 50_000) cache.clear();
      cache.set(w, hit);
    }
    const hidx = hit.idx;
    for (let i = 0; i < hidx.length; i++) {
      const j = hidx[i]!;
      if (counts[j] === 0) touched.push(j);
      counts[j]! += 1;
    }
    if (opts.wordBigrams && prev !== null) bump(pairs.get(prev)?.get(hit.stem));
    prev = hit.stem;
  }
  const idx = Int32Array.from(touched);
  const val = new Float64Array(touched.length);
  let norm = 0;
  for (let i = 0; i < touched.length; i++) {
    const j = touched[i]!;
    const v = (1 + Math.log(counts[j]!)) * m.data.idf[j]!;
    counts[j] = 0;
    val[i] = v;
    norm += v * v;
  }
  norm = Math.sqrt(norm) || 1;
  for (let i = 0; i < val.length; i++) val[i]! /= norm;
  // The folded words of the course, to look for tags in (suggestTags); stop words kept: "gestion de projet".
  return { x: { idx, val }, hay: ` ${all.map(foldWord).join(' ')} ` };
}

/** Scores of a vector by the transposed weights (same result as scoresOf, a few times faster on large models). */
function scoresByFeature(m: Model, x: SparseVec): Float64Array {
  const K = m.data.classes.length;
  const V = m.data.vocab.length;
  let wt = m.byFeature;
  if (!wt) {
    wt = new Float64Array(K * V);
    for (let k = 0; k < K; k++) for (let j = 0; j < V; j++) wt[j * K + k] = m.weights[k * V + j]!;
    m.byFeature = wt;
  }
  const s = Float64Array.from(m.data.bias);
  for (let i = 0; i < x.idx.length; i++) {
    const base = x.idx[i]! * K;
    const v = x.val[i]!;
    for (let k = 0; k < K; k++) s[k]! += wt[base + k]! * v;
  }
  return s;
}

function rawScores(m: Model, text: CourseText): Float64Array {
  return scoresByFeature(m, vectoriseFast(m, text).x);
}

/**
 * The most likely category of one course with its calibrated confidence in [0, 1], and up to 5 suggested tags:
 * tags the predicted category's training courses use (two or more of them) that this course's text mentions and
 * that it does not already have. Returns null for a course with no known feature (an empty or foreign text).
 */
export function predict(m: Model, text: CourseText): Prediction | null {
  const { x, hay } = vectoriseFast(m, text);
  if (x.idx.length === 0) return null;
  const p = softmax(scoresByFeature(m, x), m.data.temperature);
  let best = 0;
  for (let k = 1; k < p.length; k++) if (p[k]! > p[best]!) best = k;
  const categoryId = m.data.classes[best]!;
  return { categoryId, confidence: p[best]!, suggestedTags: suggestTags(m, categoryId, text, hay) };
}

function needleOf(tag: string): string {
  return fold(tag).replace(/[^\p{L}\p{N}#+]+/gu, ' ').trim();
}

function suggestTags(m: Model, categoryId: number, text: CourseText, hay: string): string[] {
  const candidates = m.data.tags[String(categoryId)] ?? [];
  if (candidates.length === 0) return [];
  // Folded needles once per model (the tags of each category are fixed once trained).
  const needles = (m.tagNeedles ??= new Map());
  let list = needles.get(categoryId);
  if (!list) {
    list = candidates.map((tag) => ({ tag, needle: ` ${needleOf(tag)} ` }));
    needles.set(categoryId, list);
  }
  const have = new Set(text.tags.map((t) => t.trim().toLowerCase()));
  const out: string[] = [];
  for (const { tag, needle } of list) {
    if (out.length >= 5) break;
    if (needle.length > 2 && !have.has(tag) && hay.includes(needle)) out.push(tag);
  }
  return out;
}

/** The model as stored: weights rounded to 6 significant digits (the JSON is about half as long, same predictions). */
export function serialise(m: Model): ModelData {
  return { ...m.data, weights: Array.from(m.weights, (w) => (w === 0 ? 0 : Number(w.toPrecision(6)))) };
}

/** A stored model back in memory. Throws a TypeError when the data is not a model of a known format. */
export function deserialise(data: unknown): Model {
  const d = data as Partial<ModelData> | null;
  if (
    !d ||
    d.format !== 1 ||
    !Array.isArray(d.classes) ||
    !Array.isArray(d.vocab) ||
    !Array.isArray(d.weights) ||
    d.weights.length !== d.classes.length * d.vocab.length
  ) {
    throw new TypeError('stored category model is not a format-1 model');
  }
  return fromData(d as ModelData);
}

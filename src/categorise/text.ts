/**
 * Text features for the auto-categorisation model (issue 14): a course's title, description, lesson titles and
 * tags become a bag of stemmed words (French or English Snowball stemmer, chosen per course by its stop words)
 * plus character n-grams of the accent-folded words, so "Développement", "developpement" and "development"
 * share features across the two languages and across spelling variants.
 */
import { stemmer as stemFr } from '@orama/stemmers/french';
import { stemmer as stemEn } from '@orama/stemmers/english';
import type { CourseText } from './contract';

/** How much of a course's text the model reads: a long description says little more after its first lines. */
export const MAX_TEXT_CHARS = 4000;
/** At most this many lesson titles are read (an import may carry hundreds; the first ones tell the subject). */
export const MAX_LESSONS = 40;

/** Feature extraction settings; stored with each model so prediction extracts exactly what training did. */
export interface FeatureOptions {
  /** Character n-gram lengths over the folded words (empty: words only). */
  charNgrams: number[];
  /** Also emit pairs of consecutive stemmed words ("gestion projet"). */
  wordBigrams: boolean;
  /** The title is read this many times (a title is the densest part of a course's text). */
  titleWeight: number;
  /**
   * Tokens made only of digits ("2", "18", "volume 12345") are skipped like stop words: they name versions, days
   * and volumes, not subjects, and an import's running numbers would each be a new word to stem. Absent (models
   * stored before it existed) means false, so those models keep reading exactly what they were trained on.
   */
  skipNumbers?: boolean;
  /**
   * Weight of the character n-gram features relative to the word features (1: none). A word gives a dozen
   * n-grams and one stem: below 1, the stems and pairs keep a say in the L2-normalised vector. Applied at
   * training, folded into the stored idf, so prediction needs nothing of it.
   */
  charWeight?: number;
  /**
   * Term frequency counted per word rather than per feature: each distinct word of a course (and each word pair)
   * weighs 1 + log(its count), shared by all its features (stem and n-grams), and the vector is divided by
   * sqrt(Σ over words of (weight × ‖word's idf vector‖)²) — the norm the vector would have if words shared no
   * n-gram. The vector is then a weighted sum of per-word vectors, so a model scores a word once and caches it:
   * prediction costs per word, not per n-gram. Absent (older models): per-feature sublinear TF, L2-normalised.
   */
  perWordTf?: boolean;
}

// Chosen by 5-fold cross-validation on the evaluation set's training part (test/fixtures/categorisation/README.md):
// 3-4-grams score as 3-5-grams for a third fewer features; n-grams at half weight; per-word TF for cheap prediction.
export const DEFAULT_FEATURES: FeatureOptions = {
  charNgrams: [3, 4],
  wordBigrams: true,
  titleWeight: 2,
  skipNumbers: true,
  charWeight: 0.5,
  perWordTf: true,
};

// Short lists of the commonest function words: they decide the stemmer and are not features themselves.
const STOP_FR = new Set(
  'le la les un une des du de d l et ou en au aux dans pour par sur avec sans ce cet cette ces son sa ses leur leurs vos votre nos notre qui que quoi dont est sont être avoir a ont plus moins tout tous toute toutes comment vous nous il elle ils elles je tu on se ne pas y à'.split(
    ' ',
  ),
);
const STOP_EN = new Set(
  'the a an and or of to in on for with without by from at as is are be been this that these those your our their its it how what why when you we they i into over under about using use'.split(
    ' ',
  ),
);

/** Lower case, accents removed (NFD then combining marks dropped): the form used for character n-grams. */
export function fold(s: string): string {
  return s.normalize('NFD').replace(/\p{M}+/gu, '').toLowerCase();
}

/**
 * Words of a text: runs of letters and digits (Unicode), lower-cased; "C#", "C++" and ".NET" keep their sign.
 * Exactly `s.toLowerCase().match(/\.net|c\+\+|c#|f#|[\p{L}\p{N}]+/gu)` (the unit tests compare them), by a
 * scanner: the Unicode-property regex was a third of a 25k-row import's prediction time.
 */
export function words(s: string): string[] {
  const t = s.toLowerCase();
  const out: string[] = [];
  const n = t.length;
  let i = 0;
  while (i < n) {
    const c = t.charCodeAt(i);
    // The signed words, tried first at a token's start as the regex's alternation does.
    if (c === 46 /* . */ && t.startsWith('net', i + 1)) {
      out.push('.net');
      i += 4;
      continue;
    }
    if (c === 99 /* c */ || c === 102 /* f */) {
      const d = t.charCodeAt(i + 1);
      if (c === 99 && d === 43 && t.charCodeAt(i + 2) === 43) {
        out.push('c++');
        i += 3;
        continue;
      }
      if (d === 35 /* # */) {
        out.push(c === 99 ? 'c#' : 'f#');
        i += 2;
        continue;
      }
    }
    let j = i;
    while (j < n) {
      const w = wordCharWidth(t, j);
      if (w === 0) break;
      j += w;
    }
    if (j > i) {
      out.push(t.slice(i, j));
      i = j;
    } else {
      i += t.codePointAt(i)! > 0xffff ? 2 : 1;
    }
  }
  return out;
}

// Per UTF-16 code unit of the Basic Multilingual Plane: 0 not yet known, 1 a letter or digit, 2 neither.
const BMP_WORD = new Uint8Array(65536);
const WORD_CHAR = /^[\p{L}\p{N}]$/u;

/** How many code units the letter or digit at `i` takes (1, or 2 for a surrogate pair), 0 when it is neither. */
function wordCharWidth(t: string, i: number): number {
  const c = t.charCodeAt(i);
  if (c < 128) return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || (c >= 65 && c <= 90) ? 1 : 0;
  if (c >= 0xd800 && c <= 0xdbff) {
    const cp = t.codePointAt(i)!;
    if (cp <= 0xffff) return 0; // a lone surrogate
    return WORD_CHAR.test(String.fromCodePoint(cp)) ? 2 : 0;
  }
  let k = BMP_WORD[c]!;
  if (k === 0) {
    k = WORD_CHAR.test(String.fromCharCode(c)) ? 1 : 2;
    BMP_WORD[c] = k;
  }
  return k === 1 ? 1 : 0;
}

/** 'fr' when French stop words outnumber English ones in the words given, else 'en'. */
export function guessLanguage(ws: readonly string[]): 'fr' | 'en' {
  let fr = 0;
  let en = 0;
  for (const w of ws) {
    if (STOP_FR.has(w)) fr++;
    if (STOP_EN.has(w)) en++;
    fr += accentSignal(w);
  }
  return fr > en ? 'fr' : 'en';
}

/** The French signal of one word's accents: 0.5 when it has a French accented letter, else 0. */
export function accentSignal(w: string): number {
  // Accented letters are a strong French signal in short titles without any stop word (the test only runs on
  // words with a non-ASCII letter, rare in English text).
  return /[^\x00-\x7f]/.test(w) && /[éèêàùçôîâû]/.test(w) ? 0.5 : 0;
}

/** Whether a word is a French (1), English (2) or both (3) stop word, 0 when neither. */
export function stopKind(w: string): number {
  return (STOP_FR.has(w) ? 1 : 0) | (STOP_EN.has(w) ? 2 : 0);
}

/** Whether a word is not a feature: a stop word, a single letter or (with `skipNumbers`) digits only. */
export function isSkipped(w: string, opts: FeatureOptions): boolean {
  return STOP_FR.has(w) || STOP_EN.has(w) || w.length < 2 || (opts.skipNumbers === true && /^[0-9]+$/.test(w));
}

/** The text the model reads for one course, cut to {@link MAX_TEXT_CHARS}; the title repeated `titleWeight` times. */
export function courseText(c: CourseText, titleWeight: number): string {
  const parts: string[] = [];
  for (let i = 0; i < titleWeight; i++) parts.push(c.title);
  parts.push(c.tags.join(' '));
  parts.push(c.lessonTitles.slice(0, MAX_LESSONS).join(' . '));
  if (c.description) parts.push(c.description);
  return parts.join(' . ').slice(0, MAX_TEXT_CHARS);
}

/** The stemmer of a language, and the lower-cased words of a course's text in reading order (stop words as null). */
export function courseWords(c: CourseText, opts: FeatureOptions): { lang: 'fr' | 'en'; words: (string | null)[]; all: string[] } {
  const ws = words(courseText(c, opts.titleWeight));
  const lang = guessLanguage(ws);
  // Stop words and single letters break a word pair (no bigram across them) and are not features themselves.
  return { lang, words: ws.map((w) => (isSkipped(w, opts) ? null : w)), all: ws };
}

const foldCache = new Map<string, string>();

/** {@link fold} of one word, memoised (bounded like the word cache). */
export function foldWord(w: string): string {
  let f = foldCache.get(w);
  if (f === undefined) {
    f = fold(w);
    if (foldCache.size >= FOLD_CACHE_MAX) foldCache.clear();
    foldCache.set(w, f);
  }
  return f;
}

/** The per-word features: its folded stem and its `w:` and `c:` feature names. */
export interface WordFeatures {
  stem: string;
  features: string[];
}

// Catalogues repeat their words: the stemmer (a few microseconds a word) and the n-grams are computed once per
// distinct word and language. Bounded: cleared when full, so a stream of new words cannot grow it for ever.
// About 1 KB an entry (a word's n-gram names): 20k words stay under 20 MB of the worker's heap.
const WORD_CACHE_MAX = 20_000;
const FOLD_CACHE_MAX = 50_000;
const wordCache = new Map<string, WordFeatures>();

/** The features of one (non-stop) word in a language, memoised; `opts` must be the same for one process's model. */
export function wordFeatures(w: string, lang: 'fr' | 'en', opts: FeatureOptions): WordFeatures {
  const key = `${lang}${opts.charNgrams.join(',')}|${w}`;
  const hit = wordCache.get(key);
  if (hit) return hit;
  const stem = fold((lang === 'fr' ? stemFr : stemEn)(w));
  const features = [`w:${stem}`];
  if (opts.charNgrams.length > 0) {
    const padded = ` ${foldWord(w)} `;
    for (const n of opts.charNgrams) {
      for (let i = 0; i + n <= padded.length; i++) features.push(`c:${padded.slice(i, i + n)}`);
    }
  }
  const out = { stem, features };
  if (wordCache.size >= WORD_CACHE_MAX) wordCache.clear();
  wordCache.set(key, out);
  return out;
}

/**
 * The words of one course for per-word term frequency ({@link FeatureOptions.perWordTf}): each distinct word (and
 * pair of consecutive stems, as a `b:` feature) with its count in the text and its features (a feature twice
 * when the word has it twice, as an n-gram repeated inside a word).
 */
export function extractWords(c: CourseText, opts: FeatureOptions): Map<string, { count: number; features: string[] }> {
  const out = new Map<string, { count: number; features: string[] }>();
  const add = (key: string, features: () => string[]): void => {
    const hit = out.get(key);
    if (hit) hit.count++;
    else out.set(key, { count: 1, features: features() });
  };
  walkWords(c, opts, (w, wf, pair) => {
    add(w, () => wf.features);
    if (pair !== null) add(pair, () => [pair]);
  });
  return out;
}

/**
 * Calls `visit` for each word of the course in order with its features and, when word bigrams are on, the `b:`
 * feature of the pair it ends (null at the start of a part: pairs never cross from title to description).
 */
function walkWords(c: CourseText, opts: FeatureOptions, visit: (word: string, wf: WordFeatures, pair: string | null) => void): void {
  const { lang, words: ws } = courseWords(c, opts);
  let prev: string | null = null;
  for (const w of ws) {
    if (w === null) {
      prev = null;
      continue;
    }
    const wf = wordFeatures(w, lang, opts);
    visit(w, wf, opts.wordBigrams && prev !== null ? `b:${prev} ${wf.stem}` : null);
    prev = wf.stem;
  }
}

/**
 * The features of one course with their raw counts: `w:<stem>` for each non-stop word (stemmed with the
 * course's language), `b:<stem> <stem>` for consecutive pairs when enabled, `c:<n-gram>` for character n-grams
 * of each folded word padded with spaces (the usual "word boundary" padding of character n-gram classifiers).
 */
export function extractFeatures(c: CourseText, opts: FeatureOptions): Map<string, number> {
  const out = new Map<string, number>();
  const add = (f: string): void => {
    out.set(f, (out.get(f) ?? 0) + 1);
  };
  walkWords(c, opts, (_w, wf, pair) => {
    for (const f of wf.features) add(f);
    if (pair !== null) add(pair);
  });
  return out;
}

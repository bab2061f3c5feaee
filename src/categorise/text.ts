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
}

export const DEFAULT_FEATURES: FeatureOptions = { charNgrams: [3, 4, 5], wordBigrams: true, titleWeight: 2 };

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

/** Words of a text: runs of letters and digits (Unicode), lower-cased; "C#", "C++" and ".NET" keep their sign. */
export function words(s: string): string[] {
  return s.toLowerCase().match(/\.net|c\+\+|c#|f#|[\p{L}\p{N}]+/gu) ?? [];
}

/** 'fr' when French stop words outnumber English ones in the words given, else 'en'. */
export function guessLanguage(ws: readonly string[]): 'fr' | 'en' {
  let fr = 0;
  let en = 0;
  for (const w of ws) {
    if (STOP_FR.has(w)) fr++;
    if (STOP_EN.has(w)) en++;
    // Accented letters are a strong French signal in short titles without any stop word (the test only runs on
    // words with a non-ASCII letter, rare in English text).
    if (w.charCodeAt(0) > 127 || /[^\x00-\x7f]/.test(w)) {
      if (/[éèêàùçôîâû]/.test(w)) fr += 0.5;
    }
  }
  return fr > en ? 'fr' : 'en';
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
  return { lang, words: ws.map((w) => (STOP_FR.has(w) || STOP_EN.has(w) || w.length < 2 ? null : w)), all: ws };
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
 * The features of one course with their raw counts: `w:<stem>` for each non-stop word (stemmed with the
 * course's language), `b:<stem> <stem>` for consecutive pairs when enabled, `c:<n-gram>` for character n-grams
 * of each folded word padded with spaces (the usual "word boundary" padding of character n-gram classifiers).
 */
export function extractFeatures(c: CourseText, opts: FeatureOptions): Map<string, number> {
  const { lang, words: ws } = courseWords(c, opts);
  const out = new Map<string, number>();
  const add = (f: string): void => {
    out.set(f, (out.get(f) ?? 0) + 1);
  };
  let prev: string | null = null;
  for (const w of ws) {
    if (w === null) {
      prev = null;
      continue;
    }
    const wf = wordFeatures(w, lang, opts);
    for (const f of wf.features) add(f);
    if (opts.wordBigrams && prev !== null) add(`b:${prev} ${wf.stem}`);
    prev = wf.stem;
  }
  return out;
}

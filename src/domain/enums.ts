// Difficulty and learning mode arrive in English or French, in any case, with or without accents and with
// extra words ("Beginner Level", "niveau intermédiaire"). A value is folded to words and matched against
// synonym phrases; it must match exactly one level. "débutant à intermédiaire" matches two and is refused
// rather than guessed. A value that is exactly a synonym is read as is; one that only contains a synonym
// ("Beginner Level") is read with a warning on the row saying how it was read.
//
// Defaults when the column is missing or empty:
//   difficulty    → all_levels  (a course that states no level is open to everyone)
//   learning_mode → text        (the plain, most common format; the seed's first example)

import { DIFFICULTIES, LEARNING_MODES, type Difficulty, type LearningMode } from './types';
import { cellError, fail, interpreted, ok, show, type Parsed } from './values';
import { foldWords } from './text';
import { isCellError, unwrapCellValue } from './cell-value';

export const DEFAULT_DIFFICULTY: Difficulty = 'all_levels';
export const DEFAULT_LEARNING_MODE: LearningMode = 'text';

/** Synonym phrases, already folded (lower-case, no accents, words separated by one space). */
export const DIFFICULTY_SYNONYMS: Readonly<Record<Difficulty, readonly string[]>> = {
  beginner: ['beginner', 'beginners', 'novice', 'debutant', 'debutants', 'debutante', 'initiation', 'facile', 'easy', 'basic', 'elementary', 'elementaire'],
  intermediate: ['intermediate', 'intermediaire', 'moyen', 'medium'],
  // "confirmé" is the third rung of the usual French ladder (débutant, intermédiaire, confirmé, expert).
  advanced: ['advanced', 'avance', 'avancee', 'avances', 'avancees', 'confirme', 'confirmee', 'confirmes', 'confirmees', 'expert', 'experts', 'experte', 'difficile', 'hard'],
  all_levels: ['all levels', 'all level', 'tous niveaux', 'tous les niveaux', 'tout niveau', 'any level'],
};

export const LEARNING_MODE_SYNONYMS: Readonly<Record<LearningMode, readonly string[]>> = {
  text: ['text', 'texte', 'textes', 'lecture', 'reading', 'ecrit', 'article', 'articles'],
  video: ['video', 'videos'],
  practice: ['practice', 'pratique', 'practical', 'hands on', 'handson', 'exercices', 'exercice', 'exercises', 'exercise', 'travaux pratiques', 'atelier', 'workshop'],
  mixed: ['mixed', 'mixte', 'blended', 'hybride', 'hybrid', 'mix', 'multimodal'],
};

function containsPhrase(words: readonly string[], phrase: readonly string[]): boolean {
  outer: for (let i = 0; i + phrase.length <= words.length; i++) {
    for (let j = 0; j < phrase.length; j++) if (words[i + j] !== phrase[j]) continue outer;
    return true;
  }
  return false;
}

interface EnumMatcher<T extends string> {
  values: readonly T[];
  /** A folded value that is exactly one synonym (the common case) → its value, with no phrase search. */
  exact: ReadonlyMap<string, T>;
  phrases: readonly { value: T; words: readonly string[] }[];
  noun: string;
  accepted: string;
  /** The prefix of the codes of its problems: 'difficulty' → difficulty_unknown, difficulty_ambiguous, difficulty_read_as. */
  code: 'difficulty' | 'learning_mode';
}

function enumMatcher<T extends string>(values: readonly T[], synonyms: Readonly<Record<T, readonly string[]>>, noun: string, code: EnumMatcher<T>['code']): EnumMatcher<T> {
  const phrases = values.flatMap((value) => [value.replace('_', ' '), ...synonyms[value]].map((p) => ({ value, words: p.split(' ') })));
  return {
    values,
    exact: new Map(phrases.map((p) => [p.words.join(' '), p.value])),
    phrases,
    noun,
    code,
    accepted: `use ${values.slice(0, -1).join(', ')} or ${values[values.length - 1]}`,
  };
}

function matchEnum<T extends string>(raw: unknown, m: EnumMatcher<T>): Parsed<T | undefined> {
  const v = unwrapCellValue(raw);
  if (v === undefined || v === null) return ok(undefined);
  if (isCellError(v)) return cellError(v.error);
  if (typeof v !== 'string') return fail(`${m.code}_unknown`, { value: show(v) }, `${show(v)} is not a known ${m.noun}; ${m.accepted}`);
  const folded = foldWords(v);
  if (folded === '') return ok(undefined);
  const exact = m.exact.get(folded);
  if (exact !== undefined) return ok(exact);
  // Phrases are matched as whole words: "Beginner Level" matches beginner only, as all_levels needs "all"/"tous".
  const words = folded.split(' ');
  const matches = m.values.filter((value) => m.phrases.some((p) => p.value === value && containsPhrase(words, p.words)));
  // Found inside a longer phrase: read, but the row says how ("Beginner Level" → beginner), never silently.
  if (matches.length === 1) return interpreted(matches[0], `${m.code}_read_as`, { value: show(v), result: matches[0]! }, `${show(v)} read as ${matches[0]}`);
  if (matches.length > 1) {
    return fail(`${m.code}_ambiguous`, { value: show(v), matches: matches.join(' and ') }, `${show(v)} matches several ${m.noun}s (${matches.join(' and ')}); give only one: ${m.accepted}`);
  }
  return fail(`${m.code}_unknown`, { value: show(v) }, `${show(v)} is not a known ${m.noun}; ${m.accepted}`);
}

const difficultyMatcher = enumMatcher(DIFFICULTIES, DIFFICULTY_SYNONYMS, 'level', 'difficulty');
const learningModeMatcher = enumMatcher(LEARNING_MODES, LEARNING_MODE_SYNONYMS, 'learning mode', 'learning_mode');

export function parseDifficulty(raw: unknown): Parsed<Difficulty | undefined> {
  return matchEnum(raw, difficultyMatcher);
}

export function parseLearningMode(raw: unknown): Parsed<LearningMode | undefined> {
  return matchEnum(raw, learningModeMatcher);
}

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDifficulty, parseLearningMode } from '../../src/domain/enums';

function difficulty(v: unknown) {
  const r = parseDifficulty(v);
  assert.ok(r.ok, `expected ${JSON.stringify(v)} to be read, got: ${r.ok ? '' : r.message}`);
  return r.value;
}
function mode(v: unknown) {
  const r = parseLearningMode(v);
  assert.ok(r.ok, `expected ${JSON.stringify(v)} to be read, got: ${r.ok ? '' : r.message}`);
  return r.value;
}

test('beginner synonyms, any case, with or without accents and extra words', () => {
  for (const v of ['beginner', 'BEGINNER', 'Beginner Level', 'débutant', 'Debutant', 'DÉBUTANT', 'novice', 'Initiation', 'facile', 'niveau débutant']) {
    assert.equal(difficulty(v), 'beginner', v);
  }
});

test('intermediate synonyms', () => {
  for (const v of ['intermediate', 'Intermédiaire', 'intermediaire', 'moyen', 'Niveau moyen']) assert.equal(difficulty(v), 'intermediate', v);
});

test('advanced synonyms', () => {
  for (const v of ['advanced', 'Avancé', 'avance', 'EXPERT', 'Advanced level']) assert.equal(difficulty(v), 'advanced', v);
});

test('all levels synonyms, with any separator', () => {
  for (const v of ['all_levels', 'All Levels', 'all-levels', 'tous niveaux', 'Tous les niveaux', 'TOUS-NIVEAUX']) assert.equal(difficulty(v), 'all_levels', v);
});

test('missing difficulty is undefined (normalisation defaults it to all_levels)', () => {
  assert.equal(difficulty(undefined), undefined);
  assert.equal(difficulty('   '), undefined);
  assert.equal(difficulty(null), undefined);
});

test('an unknown level is refused with the accepted values listed', () => {
  const r = parseDifficulty('expertissime');
  assert.equal(r.ok, false);
  assert.equal(!r.ok && r.message, "'expertissime' is not a known level; use beginner, intermediate, advanced or all_levels");
});

test('a value matching two levels is refused, not guessed', () => {
  const r = parseDifficulty('débutant à intermédiaire');
  assert.equal(r.ok, false);
  assert.match(!r.ok ? r.message : '', /several levels \(beginner and intermediate\)/);
});

test('a number is not a level', () => {
  assert.equal(parseDifficulty(3).ok, false);
});

test('learning mode synonyms', () => {
  for (const v of ['video', 'Vidéo', 'VIDEOS']) assert.equal(mode(v), 'video', v);
  for (const v of ['practice', 'Pratique', 'hands-on', 'Hands On', 'exercices']) assert.equal(mode(v), 'practice', v);
  for (const v of ['text', 'Texte', 'lecture']) assert.equal(mode(v), 'text', v);
  for (const v of ['mixed', 'Mixte', 'blended', 'hybride', 'Blended learning']) assert.equal(mode(v), 'mixed', v);
});

test('an unknown learning mode lists the accepted values', () => {
  const r = parseLearningMode('podcast');
  assert.equal(!r.ok && r.message, "'podcast' is not a known learning mode; use text, video, practice or mixed");
});

test('exceljs values are unwrapped before matching', () => {
  assert.equal(difficulty({ richText: [{ text: 'Débu' }, { text: 'tant' }] }), 'beginner');
  assert.equal(mode({ formula: 'A1', result: 'Vidéo' }), 'video');
});

test('a synonym read as is gives no note; a level found inside a longer phrase is read with a note saying how', () => {
  const exact = parseDifficulty('Débutant');
  assert.ok(exact.ok && exact.note === undefined);
  const phrase = parseDifficulty('Beginner Level');
  assert.deepEqual(phrase, { ok: true, value: 'beginner', note: { code: 'difficulty_read_as', params: { value: "'Beginner Level'", result: 'beginner' }, message: "'Beginner Level' read as beginner" } });
  const mode = parseLearningMode('Travaux pratiques en ligne');
  assert.deepEqual(mode, { ok: true, value: 'practice', note: { code: 'learning_mode_read_as', params: { value: "'Travaux pratiques en ligne'", result: 'practice' }, message: "'Travaux pratiques en ligne' read as practice" } });
});

test("the French ladder: débutant, intermédiaire, confirmé, expert", () => {
  assert.deepEqual(['Débutant', 'Intermédiaire', 'Confirmé', 'confirmée', 'Expert', 'Niveau 3 - confirmé'].map(difficulty), ['beginner', 'intermediate', 'advanced', 'advanced', 'advanced', 'advanced']);
});

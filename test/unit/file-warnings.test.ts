import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createFileWarnings, FILE_WARNINGS_MAX } from '../../src/domain/file-warnings';
import { FIELD_COUNT_KEY } from '../../src/domain/source-marks';

test('each column that matches no course field is reported once, with its name as written', () => {
  const w = createFileWarnings();
  w.seeRow({ rowNumber: 2, raw: { Titre: 'A', 'Prix promo': '3', couleur: 'bleu', [FIELD_COUNT_KEY]: { expected: 4, actual: 3 } } });
  w.seeRow({ rowNumber: 3, raw: { Titre: 'B', 'Prix promo': '4', couleur: 'rouge' } });
  const list = w.list();
  assert.deepEqual(list.map((x) => [x.code, x.column]), [['unknown_column', 'Prix promo'], ['unknown_column', 'couleur']]);
  assert.match(list[0]!.message, /'Prix promo' matches no course field/);
});

test('French, English and differently written names of known fields are not reported', () => {
  const w = createFileWarnings();
  w.seeRow({ rowNumber: 1, raw: { 'Mots-clés': 'a', 'LEARNING MODE': 'text', durée: 1, leçons: 'x', id_externe: 'e1', free: true } });
  assert.deepEqual(w.list(), []);
});

test('a JSON file whose objects bring new keys row after row: each new unknown key is reported once', () => {
  const w = createFileWarnings();
  w.seeRow({ rowNumber: 1, raw: { title: 'A', extra1: 1 } });
  w.seeRow({ rowNumber: 2, raw: { title: 'B', extra2: 1, extra1: 2 } });
  assert.deepEqual(w.list().map((x) => x.column), ['extra1', 'extra2']);
});

test('reader warnings keep their order, and the list is bounded with a last line saying how many were left out', () => {
  const w = createFileWarnings();
  w.warn({ code: 'encoding_guessed', message: 'read as Windows-1252' });
  const raw: Record<string, unknown> = { title: 'A' };
  for (let i = 0; i < FILE_WARNINGS_MAX + 20; i++) raw[`col${i}`] = i;
  w.seeRow({ rowNumber: 2, raw });
  const list = w.list();
  assert.equal(list.length, FILE_WARNINGS_MAX + 1);
  assert.equal(list[0]!.code, 'encoding_guessed');
  assert.deepEqual(list.at(-1), { code: 'warnings_truncated', params: { count: 21 }, message: '21 more warning(s) about this file were not kept' });
});

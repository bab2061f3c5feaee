import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stagedRowJson } from '../../src/activities/parse';
import { courseContentHash, normalizeCourse } from '../../src/domain/normalize';
import type { StagedRow } from '../../src/db/staging';
import { courseRawRow, generateCourses } from '../support/generate';

/** What a staged row must hold, built the plain way. */
function expected(rowNumber: number, raw: Record<string, unknown>): StagedRow {
  const r = normalizeCourse(raw);
  if (!r.ok) return { row_number: rowNumber, raw, course: null, natural_key: null, content_hash: null, errors: r.errors, warnings: null };
  return {
    row_number: rowNumber, raw, course: r.course, natural_key: r.course.natural_key, content_hash: courseContentHash(r.course),
    errors: null, warnings: r.warnings.length ? r.warnings : null,
  };
}

test('a staged row (built from the hashed text) holds the whole course, its hash, warnings and errors', () => {
  const rows: Record<string, unknown>[] = generateCourses(300, 11).map(courseRawRow);
  rows.push(
    { title: 'Objets "cités" \\ échappés', price: '3', lessons: [{ title: 'B', order: 2, url: 'https://v.example/b?x="1"' }, { title: 'A', order: 1, content: 'ligne 1\nligne 2' }] },
    { title: 'Avertie', price: '0', description: 'x'.repeat(6000), tags: 'Déjà, deja' },
    { title: '', price: 'abc' },
  );
  rows.forEach((raw, i) => {
    const json = stagedRowJson({ rowNumber: i + 2, raw });
    assert.deepEqual(JSON.parse(json), JSON.parse(JSON.stringify(expected(i + 2, raw))), `row ${i + 2}`);
  });
  const failed = JSON.parse(stagedRowJson({ rowNumber: 9, raw: { title: '', price: 'abc' } })) as StagedRow;
  assert.equal(failed.course, null);
  assert.ok(failed.errors && failed.errors.length >= 2);
  const warned = JSON.parse(stagedRowJson({ rowNumber: 3, raw: { title: 'Avertie', price: '0', description: 'x'.repeat(6000) } })) as StagedRow;
  assert.match(warned.warnings?.[0]?.message ?? '', /cut to 5000/);
});

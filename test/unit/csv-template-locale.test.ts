import { test } from 'node:test';
import assert from 'node:assert/strict';
import { localizedCsv } from '../../src/imports/csv-template';
import { sampleCourses, toCsv } from '../../src/domain/templates';
import { normalizeCourse } from '../../src/domain/normalize';
import { readCsv } from '../../src/ingest/readers/csv';
import { collect, LIMITS, tempDir, writeFile } from './helpers/files';

// The CSV template of a French admin opens in French Excel as columns: ";" between cells, decimal comma,
// UTF-8 with its byte-order mark (and no `sep=;` line, which makes Excel ignore that mark). It imports back
// to the same courses as the English one.

test('the English template is the RFC 4180 one, unchanged', () => {
  const rows = sampleCourses('bulk');
  assert.equal(localizedCsv(rows, 'en'), toCsv(rows));
});

test('the French template: ";" between cells, decimal comma, byte-order mark, no sep= line', () => {
  const csv = localizedCsv(sampleCourses('bulk'), 'fr');
  assert.ok(csv.startsWith('\uFEFFtitle;'), csv.slice(0, 40));
  assert.doesNotMatch(csv, /^\uFEFF?sep=/);
  const header = csv.slice(1, csv.indexOf('\r\n')).split(';');
  assert.ok(header.includes('price') && header.includes('duration'));
  const priced = sampleCourses('bulk').find((r) => typeof r.price === 'number' && !Number.isInteger(r.price));
  assert.ok(priced, 'a sample course has a price with cents');
  assert.ok(csv.includes(`;${String(priced.price).replace('.', ',')};`), `the price ${String(priced.price)} is written with a decimal comma`);
});

test('the French template imports to the same courses as the English one', async () => {
  const dir = tempDir();
  const bulk = sampleCourses('bulk');
  const fr = await collect(readCsv(writeFile(dir, 'fr.csv', localizedCsv(bulk, 'fr')), LIMITS));
  const en = await collect(readCsv(writeFile(dir, 'en.csv', localizedCsv(bulk, 'en')), LIMITS));
  assert.equal(fr.length, bulk.length);
  for (const [i, row] of fr.entries()) {
    const a = normalizeCourse(row.raw);
    const b = normalizeCourse(en[i]!.raw);
    assert.ok(a.ok && b.ok, String(bulk[i]!.title));
    assert.deepEqual(a.course, b.course, String(bulk[i]!.title));
  }
});

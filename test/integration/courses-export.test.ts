// Exports re-import without loss (every row "unchanged") in every format, and no exported cell can
// run as a spreadsheet formula.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import { createTestEnv, type TestEnv } from '../support/env';
import { course, importFile, importJson } from './courses-helpers';
import { writeExport, type ExportFormat, type ExportOptions } from '../../src/courses/export';
import { selectedCourses } from '../../src/courses/selection';
import { parseCourseQuery } from '../../src/courses/filters';

let t: TestEnv;

const flat = [
  course('Python Basics', { external_id: 'PY-1', description: 'Introduction au Python, "guillemets"; virgules, et\nretour à la ligne', lessons: ['Intro', 'Variables', 'Functions'], tags: ['python', 'beginner'] }),
  course('Cuisine française', { description: 'Recettes', category: 'Cuisine', price: 19.99, is_free: false, difficulty: 'advanced', learning_mode: 'mixed', duration: 2.5 }),
  course('Sans durée', { duration: null, instructor: null, category: null, tags: [] }),
];
const withLessonObjects = [
  course('Django Advanced', {
    external_id: 'DJ-1',
    category: 'Web',
    price: 99.99,
    is_free: false,
    lessons: [
      { title: 'Models avancés', content: 'Relations complexes...', order: 1, video_url: 'https://example.com/video1' },
      { title: 'Vues', content: null, order: 2, video_url: null },
    ],
  }),
];

before(async () => {
  t = await createTestEnv('coursesexport');
  await t.startWorker();
  assert.equal((await importJson(t, [...flat, ...withLessonObjects])).counts.created, 4);
});

after(async () => {
  await t?.close();
});

async function exportAll(format: ExportFormat, params: Record<string, string> = {}, options: ExportOptions = {}): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise((r) => out.on('end', r));
  const pages = selectedCourses({ sql: t.sql, es: t.es, alias: t.config.elasticsearch.alias }, { filters: parseCourseQuery(params) }, 2);
  await writeExport(format, pages, out, options);
  await done;
  return Buffer.concat(chunks);
}

describe('export then re-import', () => {
  test('csv for a French reader: ";" between cells and a decimal comma (French Excel opens it as columns), and it comes back unchanged without a warning', async () => {
    // (The flat formats carry lesson titles only: the course with lesson objects is left out, as below.)
    const file = await exportAll('csv', { category: 'Cuisine' }, { language: 'fr' });
    const lines = file.toString('utf8').replace(/^\uFEFF/, '').split('\r\n');
    assert.ok(lines[0]!.split(';').length > 8 && !lines[0]!.includes(','), `header: ${lines[0]}`);
    const cuisine = lines.find((l) => l.startsWith('Cuisine française;'));
    assert.ok(cuisine, lines.join('\n'));
    assert.ok(cuisine.split(';').includes('19,99') && cuisine.split(';').includes('2,5'), cuisine);
    const s = await importFile(t, 'export-fr.csv', file);
    assert.equal(s.status, 'succeeded', JSON.stringify(s));
    assert.deepEqual(s.counts, { rows: 1, created: 0, updated: 0, unchanged: 1, skipped: 0, failed: 0 });
    const warned = await t.sql`SELECT row_number, warnings FROM import_rows WHERE import_id = ${s.importId} AND jsonb_array_length(coalesce(warnings, '[]'::jsonb)) > 0`;
    assert.deepEqual([...warned], [], 'no value had to be interpreted');
  });

  for (const format of ['csv', 'xlsx'] as const) {
    test(`${format}: every course comes back unchanged`, async () => {
      const file = await exportAll(format, { is_free: 'true' });
      const s = await importFile(t, `export.${format}`, file);
      assert.equal(s.status, 'succeeded', JSON.stringify(s));
      const changes = await t.sql`SELECT row_number, changes FROM import_rows WHERE import_id = ${s.importId} AND action <> 'unchanged'`;
      assert.deepEqual([...changes], [], 'nothing changed');
      assert.deepEqual(s.counts, { rows: 2, created: 0, updated: 0, unchanged: 2, skipped: 0, failed: 0 });
      const s2 = await importFile(t, `cuisine.${format}`, await exportAll(format, { category: 'Cuisine' }));
      assert.equal(s2.counts.unchanged, 1, JSON.stringify(s2));
    });
  }

  test('json: every course, lesson objects included, comes back unchanged', async () => {
    const file = await exportAll('json');
    const parsed = JSON.parse(file.toString('utf8')) as { title: string; lessons: unknown[] }[];
    assert.equal(parsed.length, 4);
    assert.deepEqual(parsed.find((c) => c.title === 'Django Advanced')?.lessons[0], withLessonObjects[0]!.lessons && (withLessonObjects[0]!.lessons as unknown[])[0]);
    const s = await importFile(t, 'export.json', file);
    assert.deepEqual(s.counts, { rows: 4, created: 0, updated: 0, unchanged: 4, skipped: 0, failed: 0 });
  });

  for (const format of ['xml', 'yaml'] as const) {
    test(`${format}: every course, lesson objects and hostile text included, comes back unchanged`, async () => {
      const file = await exportAll(format);
      const text = file.toString('utf8');
      assert.ok(format === 'xml' ? text.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<courses>') : text.startsWith('- external_id: '), text.slice(0, 80));
      if (format === 'xml') assert.ok(text.includes('<lesson order="1"><title>Models avancés</title><content>Relations complexes...</content><video_url>https://example.com/video1</video_url></lesson>'));
      const s = await importFile(t, `export.${format}`, file);
      assert.deepEqual(s.counts, { rows: 4, created: 0, updated: 0, unchanged: 4, skipped: 0, failed: 0 }, JSON.stringify(s));
    });
  }

  test('an empty selection gives a file with only the header', async () => {
    const csv = (await exportAll('csv', { q: 'nothing-matches-this' })).toString('utf8');
    assert.equal(csv.replace(/^\uFEFF/, '').trim().split('\r\n').length, 1);
    assert.equal((await exportAll('json', { q: 'nothing-matches-this' })).toString('utf8').trim(), '[]');
  });
});

describe('formula injection', () => {
  test('a cell starting with = + - @ is exported as text, in CSV and in Excel', async () => {
    await importJson(t, [course('=HYPERLINK("http://evil.example","click")', { instructor: '@SUM(1+1)', description: '+33 1 23 45 67 89', external_id: 'evil' })], 'evil.json');
    const csv = (await exportAll('csv', { q: 'hyperlink' })).toString('utf8');
    const line = csv.split('\r\n')[1] ?? '';
    assert.ok(line.startsWith(`"'=HYPERLINK(`), line);
    assert.ok(line.includes(`'@SUM(1+1)`), line);
    assert.ok(line.includes(`'+33 1 23 45 67 89`), line);

    const wb = new ExcelJS.Workbook();
    const file = await exportAll('xlsx', { q: 'hyperlink' });
    await wb.xlsx.load(file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength) as ArrayBuffer);
    const row = wb.worksheets[0]!.getRow(2);
    const values = (row.values as unknown[]).slice(1);
    assert.ok(values.every((v) => typeof v !== 'object' || v === null), 'no formula cell');
    assert.equal(values[0], `'=HYPERLINK("http://evil.example","click")`);
  });
});

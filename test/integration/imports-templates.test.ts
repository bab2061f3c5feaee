// Every template of the "Templates" download imports cleanly as it is, through the real pipeline; exported
// spreadsheet cells can never run as formulas.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { PassThrough } from 'node:stream';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { createTestEnv, type TestEnv } from '../support/env';
import { startImport } from '../../src/temporal/start-import';
import type { ImportSummary } from '../../src/contract';
import { buildTemplate, TEMPLATE_FORMATS, TEMPLATE_KINDS } from '../../src/imports/templates';
import { sampleCourses } from '../../src/domain/templates';
import { writeXlsx } from '../../src/export/xlsx-writer';
import { importOutcome } from '../../src/temporal/import-outcome';

let t: TestEnv;

before(async () => {
  t = await createTestEnv('imptemplates');
  await t.startWorker();
});
after(async () => {
  await t?.close();
});

/**
 * Imports a file and waits for its summary. Workflow ids come from the content and are shared by every test
 * corner on this Temporal: when another suite imports the same template at the same moment, wait for its run
 * to close and start ours again, so the summary is of an import into this test's schema.
 */
async function importOwn(incoming: string, fileName: string): Promise<ImportSummary> {
  for (let attempt = 0; ; attempt++) {
    const started = await startImport(t.client, t.config, { path: incoming, fileName, source: 'upload', mode: 'create_or_update', dryRun: false, startedBy: 'test' });
    const result = importOutcome(t.client.workflow.getHandle(started.workflowId));
    if (started.started) return result;
    assert.ok(attempt < 5, `${fileName}: the same content stayed busy in other runs`);
    await result.catch(() => undefined);
  }
}

describe('templates', () => {
  for (const kind of TEMPLATE_KINDS) {
    for (const format of TEMPLATE_FORMATS) {
      test(`${kind} as ${format} imports with no failed row`, async () => {
        const file = await buildTemplate(kind, format);
        assert.ok(file.fileName.endsWith(`.${format}`));
        const incoming = path.join(t.folder('incoming'), `${kind}-${format}`);
        await writeFile(incoming, file.body);
        const summary = await importOwn(incoming, file.fileName);
        assert.equal(summary.status, 'succeeded', JSON.stringify(summary.errors));
        assert.equal(summary.counts.failed, 0);
        assert.equal(summary.counts.rows, sampleCourses(kind).length);
        assert.equal(summary.counts.created + summary.counts.updated + summary.counts.unchanged, summary.counts.rows);
      });
    }
  }

  test('the with_lessons template keeps lesson content and videos in every format', async () => {
    const lessons = await t.sql`
      SELECT l.position, l.title, l.content, l.video_url FROM lessons l JOIN courses c ON c.id = l.course_id
      WHERE c.title = 'Django Advanced' ORDER BY l.position`;
    assert.equal(lessons.length, 3);
    assert.equal(lessons[0]!.content, 'Relations complexes...');
    assert.equal(lessons[0]!.video_url, 'https://example.com/video1');
  });
});

describe('xlsx writer', () => {
  test('text that looks like a formula is written as quoted text, numbers and booleans as values', async () => {
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    const ended = new Promise((resolve) => out.on('end', resolve));
    await writeXlsx(out, { name: 'Export', header: ['title', 'price', 'is_free'], rows: [['=HYPERLINK("http://evil")', 12.5, false], ['@SUM(A1)', 0, true]] });
    await ended;
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.concat(chunks) as unknown as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    assert.equal(ws.name, 'Export');
    const cells = (n: number) => (ws.getRow(n).values as unknown[]).slice(1);
    assert.deepEqual(cells(1), ['title', 'price', 'is_free']);
    assert.deepEqual(cells(2), [`'=HYPERLINK("http://evil")`, 12.5, false]);
    assert.equal(ws.getCell('A2').formula, undefined);
    assert.deepEqual(cells(3), [`'@SUM(A1)`, 0, true]);
  });
});

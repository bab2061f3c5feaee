// The import pipeline end to end on the real stack: watcher -> Temporal -> PostgreSQL -> Elasticsearch -> ingest folders.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { count, createDropFolderEnv, finishedImport as waitFinished, type TestEnv } from '../support/env';
import { eventually } from '../support/wait';
import { DropWatcher } from '../../src/watcher/drop-watcher';
import { logger } from '../../src/logger';
import { getImport, type ImportRecord } from '../../src/db/imports';
import { startImport } from '../../src/temporal/start-import';
import { confirmSignal, discardSignal, previewQuery, progressQuery } from '../../src/contract';
import { importOutcome } from '../../src/temporal/import-outcome';

const fixtures = path.join(import.meta.dirname, '..', 'fixtures');

let t: TestEnv;
let watcher: DropWatcher;
let stack: Awaited<ReturnType<typeof createDropFolderEnv>>;

async function importsOf(fileName: string): Promise<ImportRecord[]> {
  return t.sql<ImportRecord[]>`SELECT * FROM imports WHERE file_name = ${fileName} ORDER BY created_at`;
}

const finishedImport = (fileName: string, n = 1): Promise<ImportRecord> => waitFinished(t, fileName, n);

async function searchTitles(q: string): Promise<string[]> {
  const res = await t.es.search<{ title: string }>({ index: t.config.elasticsearch.alias, query: { multi_match: { query: q, fields: ['title', 'title.fr', 'title.en', 'description', 'tags'] } } });
  return res.hits.hits.map((h) => h._source!.title);
}

before(async () => {
  stack = await createDropFolderEnv('pipeline');
  t = stack.t;
  watcher = stack.watcher;
});

after(async () => {
  await stack?.close();
});

describe('a file dropped into drop/', () => {
  test("the seed's CSV lands in PostgreSQL and Elasticsearch, and the file in processed/", async () => {
    await t.drop('seed-courses.csv', await readFile(path.join(fixtures, 'seed-courses.csv')));
    const imp = await finishedImport('seed-courses.csv');
    assert.equal(imp.status, 'succeeded');
    assert.equal(imp.source, 'drop');
    assert.deepEqual(imp.counts, { rows: 1, created: 1, updated: 0, unchanged: 0, skipped: 0, failed: 0 });

    const [course] = await t.sql`SELECT * FROM courses WHERE title = 'Python Basics'`;
    assert.ok(course, 'the course is in PostgreSQL');
    assert.equal(course.instructor, 'Jean Dupont');
    assert.equal(course.difficulty, 'beginner');
    assert.equal(course.is_free, true);
    assert.equal(course.price, 0);
    assert.ok(course.tags.includes('python'));
    const lessons = await t.sql`SELECT title, position FROM lessons WHERE course_id = ${course.id} ORDER BY position`;
    assert.deepEqual(lessons.map((l) => l.title), ['Intro', 'Variables', 'Functions']);

    assert.deepEqual(await searchTitles('python'), ['Python Basics']);
    assert.deepEqual(await t.list('drop'), []);
    assert.deepEqual(await t.list('processing'), []);
    assert.ok((await t.list('processed')).some((n) => n === `${imp.id}__seed-courses.csv`));
    assert.equal(imp.archived_to, path.join(t.folder('processed'), `${imp.id}__seed-courses.csv`));

    // The run is visible to operators: search attributes filter it in the Web UI and through the client.
    // Visibility is eventually consistent: the ledger can say "succeeded" a moment before the run's last attributes.
    await eventually(async () => {
      const listed = [];
      for await (const wf of t.client.workflow.list({ query: `ImportSource = 'drop' AND ImportFileName = 'seed-courses.csv' AND ImportStatus = 'succeeded'` })) listed.push(wf.workflowId);
      return listed.includes(imp.workflow_id);
    }, `workflow ${imp.workflow_id} listed by its search attributes`, 15_000);
  });

  test("the seed's JSON lands with its lesson objects", async () => {
    await t.drop('seed-courses.json', await readFile(path.join(fixtures, 'seed-courses.json')));
    const imp = await finishedImport('seed-courses.json');
    assert.equal(imp.status, 'succeeded');
    const [course] = await t.sql`SELECT * FROM courses WHERE title = 'Django Advanced'`;
    assert.ok(course);
    assert.equal(course.price, 99.99);
    assert.equal(course.is_free, false);
    assert.equal(course.learning_mode, 'practice');
    const lessons = await t.sql`SELECT * FROM lessons WHERE course_id = ${course.id}`;
    assert.equal(lessons.length, 1);
    assert.equal(lessons[0]!.title, 'Models avancés');
    assert.equal(lessons[0]!.video_url, 'https://example.com/video1');
    assert.deepEqual(await searchTitles('django'), ['Django Advanced']);
  });

  test('dropping the same file again changes nothing', async () => {
    const before = await t.sql`SELECT id, updated_at FROM courses ORDER BY id`;
    await t.drop('seed-again.csv', await readFile(path.join(fixtures, 'seed-courses.csv')));
    const imp = await finishedImport('seed-again.csv');
    assert.equal(imp.status, 'succeeded');
    assert.deepEqual(imp.counts, { rows: 1, created: 0, updated: 0, unchanged: 1, skipped: 0, failed: 0 });
    const afterRows = await t.sql`SELECT id, updated_at FROM courses ORDER BY id`;
    assert.deepEqual(afterRows, before);
    const { count } = await t.es.count({ index: t.config.elasticsearch.alias });
    assert.equal(count, 2);
  });

  test('a malformed file goes to error/ with a report that says where', async () => {
    await t.drop('broken.json', '[\n  {"title": "Ok course", "difficulty": "beginner"},\n  {"title": "Broken" "x": 1}\n]\n');
    const imp = await finishedImport('broken.json');
    assert.equal(imp.status, 'failed');
    assert.equal(imp.error_code, 'malformed');
    assert.match(imp.error_message ?? '', /line 3/);
    const errored = await t.list('error');
    assert.ok(errored.includes(`${imp.id}__broken.json`));
    const report = JSON.parse(await readFile(path.join(t.folder('error'), `${imp.id}__broken.json.report.json`), 'utf8'));
    assert.equal(report.status, 'failed');
    assert.match(report.error.message, /line 3/);
    // Issue 11: whoever dropped the file reads the reason in French or in English, with its code and parameters.
    assert.equal(report.error.code, 'malformed');
    assert.equal(report.error.params.reason, 'jsonExpectedComma');
    assert.match(report.error.messages.fr, /^Le JSON est mal formé ligne 3, colonne \d+ : une virgule est attendue entre deux éléments/);
    assert.match(report.error.messages.en, /^Invalid JSON at line 3, column \d+: a comma is expected/);
    assert.equal(report.statusText.fr, 'Échoué');
    assert.equal(report.importUrl, `${t.config.publicUrl}/admin-dashboard/imports/${imp.id}/`);
    const n = await count(t.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM courses WHERE title IN ('Ok course', 'Broken')`);
    assert.equal(n, 0, 'nothing of a failed file is written');
  });

  test('a file whose content does not match its extension is refused', async () => {
    await t.drop('not-really.xlsx', 'title,description\nA,B\n');
    const imp = await finishedImport('not-really.xlsx');
    assert.equal(imp.status, 'failed');
    assert.equal(imp.error_code, 'format_mismatch');
    assert.ok((await t.list('error')).includes(`${imp.id}__not-really.xlsx`));
  });

  test('an unknown extension and an oversized file go straight to error/ with a reason', async () => {
    await t.drop('notes.txt', 'hello');
    await t.drop('huge.csv', Buffer.alloc(t.config.limits.maxFileBytes + 1, 'a'));
    const txt = await finishedImport('notes.txt');
    const huge = await finishedImport('huge.csv');
    assert.equal(txt.error_code, 'unknown_format');
    assert.equal(huge.error_code, 'too_large');
    assert.match(huge.error_message ?? '', /huge.csv is 10 MB \(10,485,761 bytes\); the limit is 10 MB/);
    const errored = await t.list('error');
    assert.ok(errored.includes(`${txt.id}__notes.txt`) && errored.includes(`${txt.id}__notes.txt.report.json`));
    const refused = JSON.parse(await readFile(path.join(t.folder('error'), `${txt.id}__notes.txt.report.json`), 'utf8'));
    assert.equal(refused.error.code, 'unknown_format');
    assert.match(refused.error.messages.fr, /\.txt/);
    assert.doesNotMatch(refused.error.messages.fr, /extension is not|not accepted/);
    assert.ok(errored.includes(`${huge.id}__huge.csv`));
  });

  test('dotfiles and partial downloads are left alone', async () => {
    await t.drop('.hidden.csv', 'title\nHidden\n');
    await t.drop('download.csv.part', 'title\nPartial\n');
    // A file dropped after them is imported: by then the watcher has seen the two and passed them over.
    await t.drop('after-dotfiles.csv', 'title\nAfter the dotfiles\n');
    await finishedImport('after-dotfiles.csv');
    assert.deepEqual((await importsOf('.hidden.csv')).length + (await importsOf('download.csv.part')).length, 0);
    // (t.list hides dotfiles, as the monitoring page's counts do: read the folder itself.)
    assert.ok((await readdir(t.folder('drop'))).includes('.hidden.csv'), 'the dotfile stays where it was dropped');
  });

  test('invalid rows are reported with row, column and reason; valid rows land', async () => {
    const csv = [
      'title,description,category,instructor,duration,difficulty,learning_mode,price,is_free,lessons,tags',
      '"Rust pour débutants","Apprendre Rust","Programmation","Ana",12,débutant,vidéo,"49,99",non,"Intro;Ownership","rust"',
      '"Bad level","x","Cat","Bob",3,expertissime,text,0,true,"",""',
      '"Go in practice","Concurrency","Programming","Cy",8,intermediate,pratique,0,oui,"Goroutines;Channels","go"',
    ].join('\r\n');
    await t.drop('mixed.csv', csv);
    const imp = await finishedImport('mixed.csv');
    assert.equal(imp.status, 'succeeded_with_errors');
    assert.deepEqual(imp.counts, { rows: 3, created: 2, updated: 0, unchanged: 0, skipped: 0, failed: 1 });
    const rows = await t.sql`SELECT row_number, errors FROM import_rows WHERE import_id = ${imp.id} AND errors IS NOT NULL`;
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.row_number, 3);
    assert.equal(rows[0]!.errors[0].field, 'difficulty');
    const [rust] = await t.sql`SELECT * FROM courses WHERE title = 'Rust pour débutants'`;
    assert.equal(rust!.price, 49.99);
    assert.equal(rust!.learning_mode, 'video');
    assert.ok((await t.list('processed')).includes(`${imp.id}__mixed.csv`));
    assert.ok((await t.list('processed')).includes(`${imp.id}__mixed.csv.report.json`));
    const report = JSON.parse(await readFile(path.join(t.folder('processed'), `${imp.id}__mixed.csv.report.json`), 'utf8'));
    const [bad] = report.rowErrors;
    assert.equal(bad.row, 3);
    assert.equal(bad.code, 'difficulty_unknown');
    assert.match(bad.messages.fr, /^niveau : 'expertissime' n'est pas un niveau connu/);
    assert.match(bad.messages.en, /'expertissime'/);
    assert.match(report.note.fr, /toutes sont sur la page de l'import/);
  });
});

describe('dry run', () => {
  const csv = 'title,description,difficulty,learning_mode,price,is_free\n"Preview One","First",beginner,text,10,false\n"Preview Two","Second",advanced,video,0,true\n';

  async function startDryRun(fileName: string, content: string) {
    const incoming = path.join(t.folder('incoming'), `${fileName}-${Date.now()}`);
    await writeFile(incoming, content);
    const started = await startImport(t.client, t.config, { path: incoming, fileName, source: 'upload', mode: 'create_or_update', dryRun: true, startedBy: 'test' });
    const handle = t.client.workflow.getHandle(started.workflowId);
    await eventually(async () => (await handle.query(progressQuery)).status === 'awaiting_confirmation', 'the preview');
    return { started, handle };
  }

  test('writes no course until confirmed, then applies exactly the preview', async () => {
    const { handle, started } = await startDryRun('preview.csv', csv);
    const preview = await handle.query(previewQuery);
    assert.equal(preview?.counts.created, 2);
    assert.deepEqual(preview?.changes.map((c) => [c.row, c.action, c.title]), [[2, 'create', 'Preview One'], [3, 'create', 'Preview Two']]);
    const n = await count(t.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM courses WHERE title LIKE 'Preview %'`);
    assert.equal(n, 0);
    assert.equal((await getImport(t.sql, started.importId))?.status, 'awaiting_confirmation');

    await handle.signal(confirmSignal);
    const summary = await importOutcome(handle);
    assert.equal(summary.status, 'succeeded');
    assert.equal(summary.counts.created, 2);
    const titles = await t.sql`SELECT title FROM courses WHERE title LIKE 'Preview %' ORDER BY title`;
    assert.deepEqual(titles.map((r) => r.title), ['Preview One', 'Preview Two']);
    assert.deepEqual((await searchTitles('preview')).sort(), ['Preview One', 'Preview Two']);
  });

  test('shows the changed fields before and after, and writes nothing after a discard', async () => {
    const changed = csv.replace('"First",beginner,text,10', '"First, revised",beginner,text,12');
    const { handle, started } = await startDryRun('preview-changed.csv', changed);
    const preview = await handle.query(previewQuery);
    assert.equal(preview?.counts.updated, 1);
    assert.equal(preview?.counts.unchanged, 1);
    const [row] = await t.sql`SELECT changes FROM import_rows WHERE import_id = ${started.importId} AND action = 'update'`;
    const fields = Object.fromEntries((row!.changes as { field: string; before: unknown; after: unknown }[]).map((c) => [c.field, [c.before, c.after]]));
    assert.deepEqual(fields.price, [10, 12]);
    assert.deepEqual(fields.description, ['First', 'First, revised']);

    await handle.signal(discardSignal);
    const summary = await importOutcome(handle);
    assert.equal(summary.status, 'discarded');
    const [course] = await t.sql`SELECT price, description FROM courses WHERE title = 'Preview One'`;
    assert.equal(course!.price, 10);
    assert.equal(course!.description, 'First');
  });

  test('discards by itself after the timeout', async () => {
    const t2 = { ...t.config, dryRunTimeoutSeconds: 2 };
    const incoming = path.join(t.folder('incoming'), `timeout-${Date.now()}.csv`);
    await writeFile(incoming, 'title,difficulty,price\n"Forgotten preview",beginner,15\n');
    const started = await startImport(t.client, t2, { path: incoming, fileName: 'forgotten.csv', source: 'upload', mode: 'create_or_update', dryRun: true, startedBy: 'test' });
    const summary = await importOutcome(t.client.workflow.getHandle(started.workflowId));
    assert.equal(summary.status, 'discarded');
    assert.equal(summary.counts.created, 1, 'the preview had a course to create');
    const n = await count(t.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM courses WHERE title = 'Forgotten preview'`);
    assert.equal(n, 0);
  });
});

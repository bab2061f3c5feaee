// Issue 11, over HTTP on the real stack: an export carries is_active and an export → import round trip restores
// it; the admin chooses the export's columns; exporting with nothing ticked exports the list as filtered; the bulk
// delete and the import revert confirmations name the courses they affect (the first 50, and the count).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { HttpSession } from '../support/http-session';
import { eventually } from '../support/wait';
import { startAdmin, type TestAdmin } from '../e2e/support/app';
import { createUser } from '../e2e/support/users';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { course, importFile, importJson } from './courses-helpers';
import { startImport } from '../../src/temporal/start-import';

let a: TestAdmin;
let admin: { email: string; password: string };

async function signedIn(): Promise<HttpSession> {
  const s = new HttpSession(() => a.url);
  await s.signIn(admin.email, admin.password, '/admin-dashboard/courses/');
  return s;
}

before(async () => {
  a = await startAdmin('courseexportconfirm', { worker: true });
  admin = await createUser(a.t.sql, 'admin');
  const s = await importJson(a.t, [
    course('Export actif', { category: 'Export', external_id: 'EXP-1', lessons: ['Un', 'Deux'] }),
    course('Export inactif', { category: 'Export', price: 12.5, is_free: false }),
    course('Autre catégorie', { category: 'Ailleurs' }),
  ]);
  assert.equal(s.counts.created, 3);
  // Many courses for the confirmations' "first 50 of N".
  const many = Array.from({ length: 55 }, (_, i) => course(`Lot ${String(i + 1).padStart(2, '0')}`, { category: 'Lot' }));
  assert.equal((await importJson(a.t, many, 'lot.json')).counts.created, 55);
});

after(async () => {
  await a?.close();
});

async function isActive(title: string): Promise<boolean> {
  const [row] = await a.t.sql<{ is_active: boolean }[]>`SELECT is_active FROM courses WHERE title = ${title}`;
  assert.ok(row, title);
  return row.is_active;
}

describe('exports', () => {
  test('is_active is exported (CSV and JSON) and an export → import round trip restores it', async () => {
    const s = await signedIn();
    // Deactivate one course through the bulk action, as an admin would.
    const [row] = await a.t.sql<{ id: number }[]>`SELECT id FROM courses WHERE title = 'Export inactif'`;
    const res = await s.postForm('/admin-dashboard/courses/bulk/', [['action', 'deactivate'], ['scope', 'ids'], ['ids', String(row!.id)]]);
    assert.equal(res.status, 303);
    assert.equal(await isActive('Export inactif'), false);

    for (const format of ['csv', 'json'] as const) {
      const exported = Buffer.from(await (await s.fetch(`/admin-dashboard/courses/export/?format=${format}&category=Export`)).arrayBuffer());
      const text = exported.toString('utf8');
      if (format === 'csv') {
        const [header, ...lines] = text.replace(/^\uFEFF/, '').trim().split('\r\n');
        assert.equal(header, 'title,description,category,instructor,duration,difficulty,learning_mode,price,is_free,lessons,tags,external_id,is_active');
        assert.ok(lines.some((l) => l.startsWith('Export inactif,') && l.endsWith(',false')), text);
      } else {
        const records = JSON.parse(text) as { title: string; is_active: boolean }[];
        assert.deepEqual(records.map((r) => [r.title, r.is_active]).sort(), [['Export actif', true], ['Export inactif', false]]);
      }
      // Someone re-activates every course; importing the export puts the status back, and only that changed.
      await a.t.sql`UPDATE courses SET is_active = true, updated_at = now()`;
      const back = await importFile(a.t, `export.${format}`, exported);
      assert.deepEqual(back.counts, { rows: 2, created: 0, updated: 1, unchanged: 1, skipped: 0, failed: 0 }, JSON.stringify(back));
      const [changed] = await a.t.sql<{ changes: { field: string; before: unknown; after: unknown }[] }[]>`
        SELECT changes FROM import_rows WHERE import_id = ${back.importId} AND action = 'update'`;
      assert.deepEqual(changed!.changes, [{ field: 'is_active', before: true, after: false }]);
      assert.equal(await isActive('Export inactif'), false);
      assert.equal(await isActive('Export actif'), true);
      // The search index follows: the inactive course is not among the active ones.
      const list = (await (await s.fetch('/admin-dashboard/courses/?category=Export&is_active=true', { headers: { Accept: 'application/json' } })).json()) as { hits: { title: string }[] };
      assert.deepEqual(list.hits.map((h) => h.title), ['Export actif']);
      // The same file again changes nothing.
      const again = await importFile(a.t, `again.${format}`, Buffer.concat([exported, Buffer.from(format === 'csv' ? '' : '\n')]));
      assert.equal(again.counts.unchanged, 2, JSON.stringify(again.counts));
    }
  });

  test('a file without is_active leaves the status of existing courses alone', async () => {
    assert.equal(await isActive('Export inactif'), false);
    const s = await importJson(a.t, [course('Export inactif', { category: 'Export', price: 12.5, is_free: false, description: 'Nouvelle description' })], 'no-status.json');
    assert.equal(s.counts.updated, 1);
    assert.equal(await isActive('Export inactif'), false);
  });

  test('the admin chooses the columns, and nothing ticked exports the list as filtered', async () => {
    const s = await signedIn();
    // The list's form: hidden filters, scope "ticked courses" with nothing ticked, two columns chosen.
    const res = await s.postForm('/admin-dashboard/courses/export/', [['category', 'Export'], ['scope', 'ids'], ['format', 'csv'], ['columns', 'price'], ['columns', 'is_active']]);
    assert.equal(res.status, 200);
    const lines = (await res.text()).replace(/^\uFEFF/, '').trim().split('\r\n');
    assert.equal(lines[0], 'title,price,is_active', 'the title always, then the chosen columns in their usual order');
    assert.deepEqual(lines.slice(1).sort(), ['Export actif,0,true', 'Export inactif,12.5,false']);

    const json = (await (await s.postForm('/admin-dashboard/courses/export/', [['category', 'Export'], ['format', 'json'], ['columns', 'lessons']])).json()) as Record<string, unknown>[];
    assert.deepEqual(json.map((r) => Object.keys(r)), [['title', 'lessons'], ['title', 'lessons']]);

    // No column chosen: every column.
    const all = (await (await s.fetch('/admin-dashboard/courses/export/?format=csv&category=Ailleurs')).text()).replace(/^\uFEFF/, '').split('\r\n')[0];
    assert.equal(all, 'title,description,category,instructor,duration,difficulty,learning_mode,price,is_free,lessons,tags,external_id,is_active');
  });
});

describe('confirmations name the courses they affect', () => {
  test('bulk delete of every matching course: the first 50 of 55 named, and the count', async () => {
    const s = await signedIn();
    const res = await s.postForm('/admin-dashboard/courses/bulk/', [['action', 'delete'], ['scope', 'all'], ['category', 'Lot']]);
    assert.equal(res.status, 200);
    const html = await res.text();
    assert.match(html, /Delete 55 courses\?/);
    assert.match(html, /The first 50 of the 55 courses:/);
    const named = [...html.matchAll(/<li><a href="\/admin-dashboard\/courses\/\d+\/">(Lot \d\d)<\/a><\/li>/g)].map((m) => m[1]);
    assert.equal(named.length, 50);
    assert.ok(named.every((t) => t?.startsWith('Lot ')));
    assert.match(html, /…and 5 more courses\./);
    assert.equal((await a.t.sql`SELECT 1 FROM courses WHERE category = 'Lot'`).length, 55, 'nothing deleted before the confirmation');
  });

  test('bulk delete of ticked courses names them all', async () => {
    const s = await signedIn();
    const ids = await a.t.sql<{ id: number; title: string }[]>`SELECT id, title FROM courses WHERE category = 'Lot' ORDER BY title LIMIT 2`;
    const res = await s.postForm('/admin-dashboard/courses/bulk/', [['action', 'delete'], ['scope', 'ids'], ...ids.map((r): [string, string] => ['ids', String(r.id)])]);
    const html = await res.text();
    assert.match(html, /The courses:/);
    for (const r of ids) assert.ok(html.includes(`<a href="/admin-dashboard/courses/${r.id}/">${r.title}</a>`), r.title);
    assert.ok(!html.includes('more course'));
  });

  test("an import's revert names the courses it would delete and restore", async () => {
    const s = await signedIn();
    const imp = await importJson(a.t, [course('Lot 01', { category: 'Lot', description: 'changée' }), course('Créé pour le revert', { category: 'Lot' })], 'revert.json');
    assert.deepEqual([imp.counts.created, imp.counts.updated], [1, 1]);
    const html = await (await s.fetch(`/admin-dashboard/imports/${imp.importId}/`)).text();
    assert.match(html, /The 2 courses it affects:/);
    assert.match(html, /<li data-effect="delete"><a href="\/admin-dashboard\/courses\/\d+\/">Créé pour le revert<\/a> — created by this import: deleted<\/li>/);
    assert.match(html, /<li data-effect="restore"><a href="\/admin-dashboard\/courses\/\d+\/">Lot 01<\/a> — changed by this import: back to its state before<\/li>/);
  });
});

describe('the preview of a dry run', () => {
  test('a new row shows its main fields; a lesson change shows readable lists before → after', async () => {
    const s = await signedIn();
    const rows = [
      course('Nouveau en aperçu', { category: 'Aperçu', difficulty: 'advanced', learning_mode: 'video', price: 30, is_free: false, duration: 2.5, lessons: ['A', 'B', 'C'] }),
      course('Export actif', { category: 'Export', external_id: 'EXP-1', lessons: ['Deux', 'Un', 'Trois'] }),
    ];
    const file = path.join(a.t.folder('incoming'), `preview-${Date.now()}.json`);
    await writeFile(file, JSON.stringify(rows));
    const started = await startImport(a.t.client, a.t.config, { path: file, fileName: 'preview.json', source: 'api', mode: 'create_or_update', dryRun: true, startedBy: 'test' });
    const importId = started.importId;
    // Wait for what the admin waits for: the preview, ready for a decision.
    await eventually(async () => (await a.t.sql<{ status: string }[]>`SELECT status FROM imports WHERE id = ${importId}`)[0]?.status === 'awaiting_confirmation', 'the preview to be ready');
    const html = await (await s.fetch(`/admin-dashboard/imports/${importId}/`)).text();
    assert.match(html, /<p class="muted" data-created-summary>Aperçu · advanced · video · €30\.00 · 2\.5 hrs · 3 lessons<\/p>/);
    const lessons = /<li data-change-field="lessons">([\s\S]*?)<\/div><\/li>/.exec(html)?.[1] ?? '';
    const lists = [...lessons.matchAll(/<ol class="lesson-list">([\s\S]*?)<\/ol>/g)].map((m) => [...m[1]!.matchAll(/<li>([^<]*)<\/li>/g)].map((x) => x[1]));
    assert.deepEqual(lists, [['Un', 'Deux'], ['Deux', 'Un', 'Trois']]);
    assert.ok(!/lessons<\/strong>: <del>\[\{/.test(html), 'no JSON');
    const res = await s.postForm(`/admin-dashboard/imports/${importId}/discard/`, []);
    assert.equal(res.status, 303);
  });
});

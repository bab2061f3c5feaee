// LMS exchange (issue 13) through the real import workflow: our Common Cartridges (a selection's zip, a single
// course's .imscc) import back unchanged; a cartridge written by another tool imports with its warnings; a hostile
// one is refused; Moodle's and Canvas's course CSVs round-trip.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import JSZip from 'jszip';
import { createTestEnv, type TestEnv } from '../support/env';
import { course, importFile, importJson } from './courses-helpers';
import { writeExport, type ExportFormat } from '../../src/courses/export';
import { selectedCourses } from '../../src/courses/selection';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpSession } from '../support/http-session';
import { createApp } from '../../src/api/app';
import { authRoutes } from '../../src/api/routes/auth';
import { courseRoutes } from '../../src/api/routes/courses';
import { importPageRoutes } from '../../src/api/routes/imports-pages';
import { insertUser } from '../../src/db/users';
import { hashPassword } from '../../src/api/passwords';
import { logger } from '../../src/logger';

let t: TestEnv;
let server: Server | undefined;
let base = '';
const PASSWORD = 'correct horse battery staple 42';
/** The import of the cartridge written by another tool, whose page is read in French below. */
let foreignImportId = '';

const cartridgeCourses = [
  course('LMS Python', {
    external_id: 'LMS-PY',
    description: 'Apprendre Python.\n\nDeux paragraphes & des <chevrons>.',
    price: 49.5,
    is_free: false,
    difficulty: 'intermediate',
    tags: ['python', 'lms'],
    lessons: [
      { title: 'Intro', content: 'Bienvenue !\nLigne 2', order: 1, video_url: 'https://video.example/intro?a=1&b=2' },
      { title: 'Vidéo seule', content: null, order: 2, video_url: 'https://video.example/2' },
      { title: 'Titre seul', content: null, order: 3, video_url: null },
    ],
  }),
  course('LMS sans identifiant', { lessons: ['Un', 'Deux'] }),
];
// What Moodle's CSV carries (title, description, category, id number); the rest at the import's defaults.
const moodleCourses = [
  { title: 'Moodle un', external_id: 'MDL-1', description: 'Résumé, avec "guillemets"', category: 'Moodle / Sciences', is_free: true },
  { title: 'Moodle deux', description: '-commence par un tiret', category: 'Moodle', is_free: true },
];
// What Canvas's courses.csv carries: the title and the SIS id.
// The second has no external id: Canvas needs one, and ours comes back as none (found by its title).
const canvasCourses = [{ title: 'Canvas un', external_id: 'SIS-1', is_free: true }, { title: 'Canvas deux', is_free: true }];

before(async () => {
  t = await createTestEnv('lmsexchange');
  await t.startWorker();
  const s = await importJson(t, [...cartridgeCourses, ...moodleCourses, ...canvasCourses]);
  assert.equal(s.counts.created, 6, JSON.stringify(s));
});

after(async () => {
  if (server) await new Promise((r) => server!.close(r));
  await t?.close();
});

async function idsOf(titles: string[]): Promise<number[]> {
  const rows = await t.sql<{ id: number }[]>`SELECT id FROM courses WHERE title = ANY(${titles}::text[]) ORDER BY id`;
  assert.equal(rows.length, titles.length);
  return rows.map((r) => Number(r.id));
}

async function exportIds(format: ExportFormat, ids: number[]): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise((r) => out.on('end', r));
  const pages = selectedCourses({ sql: t.sql, es: t.es, alias: t.config.elasticsearch.alias }, { ids }, 2);
  await writeExport(format, pages, out, { single: ids.length === 1 });
  await done;
  return Buffer.concat(chunks);
}

describe('IMS Common Cartridge', () => {
  test('a selection exports as a zip of cartridges that import back unchanged', async () => {
    for (const format of ['imscc', 'imscc11'] as const) {
      const zip = await JSZip.loadAsync(await exportIds(format, await idsOf(cartridgeCourses.map((c) => String(c.title)))));
      const names = Object.keys(zip.files).sort();
      assert.equal(names.length, 2, names.join());
      assert.ok(names.every((n) => n.endsWith('.imscc')));
      for (const name of names) {
        const s = await importFile(t, `${format}-${name}`, await zip.file(name)!.async('nodebuffer'));
        assert.equal(s.status, 'succeeded', JSON.stringify(s));
        assert.deepEqual(s.counts, { rows: 1, created: 0, updated: 0, unchanged: 1, skipped: 0, failed: 0 }, `${format} ${name}: ${JSON.stringify(s)}`);
      }
    }
  });

  test('one course exports as its .imscc, with its metadata, lessons, pages and web links', async () => {
    const bytes = await exportIds('imscc', await idsOf(['LMS Python']));
    const cartridge = await JSZip.loadAsync(bytes);
    const manifest = await cartridge.file('imsmanifest.xml')!.async('string');
    assert.match(manifest, /<schemaversion>1\.3\.0<\/schemaversion>/);
    assert.match(manifest, /<lomimscc:title><lomimscc:string language="fr">LMS Python<\/lomimscc:string>/);
    assert.match(manifest, /<lomimscc:keyword><lomimscc:string language="fr">python<\/lomimscc:string>/);
    assert.match(manifest, /type="imswl_xmlv1p3"/);
    assert.match(await cartridge.file('lessons/001.html')!.async('string'), /Bienvenue !\nLigne 2/);
    assert.match(await cartridge.file('lessons/001-video.xml')!.async('string'), /href="https:\/\/video\.example\/intro\?a=1&amp;b=2"/);
    const s = await importFile(t, 'python.imscc', bytes);
    assert.equal(s.counts.unchanged, 1, JSON.stringify(s));
  });

  test('a cartridge written by another tool imports, with warnings for what it could not take', async () => {
    const zip = new JSZip();
    zip.file('imsmanifest.xml', `<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="BLACKBOARD-CHEM-1" xmlns="http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1" xmlns:lomimscc="http://ltsc.ieee.org/xsd/imsccv1p1/LOM/manifest">
  <metadata><schema>IMS Common Cartridge</schema><schemaversion>1.1.0</schemaversion>
    <lomimscc:lom><lomimscc:general>
      <lomimscc:title><lomimscc:string>Chimie générale</lomimscc:string></lomimscc:title>
      <lomimscc:description><lomimscc:string>Atomes et molécules</lomimscc:string></lomimscc:description>
    </lomimscc:general></lomimscc:lom></metadata>
  <organizations><organization identifier="o" structure="rooted-hierarchy"><item identifier="r">
    <item identifier="a" identifierref="p1"><title>Les atomes</title></item>
    <item identifier="b" identifierref="w1"><title>Vidéo : molécules</title></item>
    <item identifier="c" identifierref="q1"><title>Quiz 1</title></item>
  </item></organization></organizations>
  <resources>
    <resource identifier="p1" type="webcontent" href="p1.html"><file href="p1.html"/></resource>
    <resource identifier="w1" type="imswl_xmlv1p1"><file href="w1.xml"/></resource>
    <resource identifier="q1" type="imsqti_xmlv1p2/imscc_xmlv1p1/assessment"><file href="q1.xml"/></resource>
  </resources>
</manifest>`);
    zip.file('p1.html', '<html><body><p>Un <em>atome</em>…</p><script>alert(1)</script></body></html>');
    zip.file('w1.xml', '<webLink xmlns="http://www.imsglobal.org/xsd/imsccv1p1/imswl_v1p1"><title>V</title><url href="https://video.example/mol"/></webLink>');
    zip.file('q1.xml', '<questestinterop/>');
    const s = await importFile(t, 'chimie.imscc', await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }));
    assert.equal(s.status, 'succeeded', JSON.stringify(s));
    assert.equal(s.counts.created, 1);
    const codes = s.warnings.map((w) => (w as { code?: string }).code);
    for (const code of ['cartridge_resource_skipped', 'cartridge_price', 'cartridge_identifier']) assert.ok(codes.includes(code), `${code} in ${JSON.stringify(s.warnings)}`);
    foreignImportId = s.importId;
    const [row] = await t.sql<{ title: string; external_id: string; lessons: { title: string; content: string | null; video_url: string | null }[] }[]>`
      SELECT c.title, c.external_id, (SELECT jsonb_agg(jsonb_build_object('title', l.title, 'content', l.content, 'video_url', l.video_url) ORDER BY l.position) FROM lessons l WHERE l.course_id = c.id) AS lessons
      FROM courses c WHERE c.external_id = 'BLACKBOARD-CHEM-1'`;
    assert.equal(row?.title, 'Chimie générale');
    assert.deepEqual(row?.lessons, [
      { title: 'Les atomes', content: 'Un atome…', video_url: null },
      { title: 'Vidéo : molécules', content: null, video_url: 'https://video.example/mol' },
      { title: 'Quiz 1', content: null, video_url: null },
    ]);
  });

  test('a hostile cartridge is refused and changes nothing', async () => {
    const before = await t.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM courses`;
    const traversal = new JSZip();
    traversal.file('imsmanifest.xml', '<manifest/>');
    traversal.file('../evil.html', 'x', { createFolders: false });
    const dtd = new JSZip();
    dtd.file('imsmanifest.xml', '<?xml version="1.0"?><!DOCTYPE m [<!ENTITY e SYSTEM "file:///etc/passwd">]><manifest>&e;</manifest>');
    const bomb = new JSZip();
    bomb.file('imsmanifest.xml', '<manifest/>');
    bomb.file('big.html', Buffer.alloc(30 * 1024 * 1024));
    const symlink = new JSZip();
    symlink.file('imsmanifest.xml', '<manifest/>');
    symlink.file('page.html', '/etc/passwd', { unixPermissions: 0o120777 });
    for (const [name, zip] of [['traversal', traversal], ['dtd', dtd], ['bomb', bomb], ['symlink', symlink]] as const) {
      const s = await importFile(t, `${name}.imscc`, await zip.generateAsync({ type: 'nodebuffer', platform: 'UNIX', compression: 'DEFLATE', compressionOptions: { level: 9 } }));
      assert.equal(s.status, 'failed', `${name}: ${JSON.stringify(s)}`);
      assert.match(JSON.stringify(s.error), /unsafe|not allowed|zip bomb|symbolic link/i, name);
    }
    assert.deepEqual(await t.sql`SELECT count(*)::int AS n FROM courses`, before);
  });
});

describe('Moodle and Canvas CSV', () => {
  for (const [format, courses] of [['moodle', moodleCourses], ['canvas', canvasCourses]] as const) {
    test(`${format}: the export imports back unchanged`, async () => {
      const file = await exportIds(format, await idsOf(courses.map((c) => c.title)));
      const text = file.toString('utf8');
      assert.ok(text.startsWith(format === 'moodle' ? '\uFEFFshortname,fullname,category_path,idnumber,summary,visible\r\n' : '\uFEFFcourse_id,short_name,long_name,account_id,term_id,status\r\n'), text);
      const s = await importFile(t, `${format}.csv`, file);
      assert.equal(s.status, 'succeeded', JSON.stringify(s));
      assert.deepEqual(s.counts, { rows: 2, created: 0, updated: 0, unchanged: 2, skipped: 0, failed: 0 }, JSON.stringify(s));
      assert.ok(s.warnings.some((w) => (w as { code?: string }).code === 'lms_layout'));
    });
  }

  test('a Moodle course list updates the courses its idnumbers name', async () => {
    const csv = '\uFEFFshortname,fullname,category_path,idnumber,summary,visible,format\r\nM1,Moodle un (v2),Moodle / Sciences,MDL-1,Nouveau résumé,1,topics\r\n';
    const s = await importFile(t, 'moodle-list.csv', csv);
    assert.deepEqual(s.counts, { rows: 1, created: 0, updated: 1, unchanged: 0, skipped: 0, failed: 0 }, JSON.stringify(s));
    const [row] = await t.sql<{ title: string; description: string }[]>`SELECT title, description FROM courses WHERE external_id = 'MDL-1'`;
    assert.deepEqual({ ...row }, { title: 'Moodle un (v2)', description: 'Nouveau résumé' });
  });
});

describe('on the courses page and in REST', () => {
  before(async () => {
    const deps = { config: t.config, sql: t.sql, es: t.es, temporal: t.client, logger: logger.child({ test: 'lms-exchange' }) };
    server = createServer(createApp(deps, [authRoutes(deps), courseRoutes(deps), importPageRoutes(deps)]).callback());
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await insertUser(t.sql, { email: 'viewer@example.com', role: 'viewer', passwordHash: await hashPassword(PASSWORD), createdBy: null });
  });

  test('a viewer exports ticked courses as cartridges, Moodle and Canvas files from the list', async () => {
    const session = new HttpSession(() => base);
    await session.signIn('viewer@example.com', PASSWORD, '/admin-dashboard/courses/');
    const page = await (await session.fetch('/admin-dashboard/courses/')).text();
    for (const format of ['imscc', 'imscc11', 'moodle', 'canvas']) assert.match(page, new RegExp(`name="format" value="${format}"`));
    const post = (fields: [string, string][]) => session.fetch('/admin-dashboard/courses/export/', { method: 'POST', body: new URLSearchParams([['_csrf', session.csrf], ...fields]) });
    const [python] = await idsOf(['LMS Python']);
    const one = await post([['format', 'imscc'], ['ids', String(python)]]);
    assert.equal(one.status, 200);
    assert.match(one.headers.get('content-disposition') ?? '', /attachment; filename="courses-.*\.imscc"/);
    const cartridge = await JSZip.loadAsync(Buffer.from(await one.arrayBuffer()));
    assert.ok(cartridge.file('imsmanifest.xml'));
    const two = await post([['format', 'imscc'], ...(await idsOf(cartridgeCourses.map((c) => String(c.title)))).map((id): [string, string] => ['ids', String(id)])]);
    assert.match(two.headers.get('content-disposition') ?? '', /filename="courses-.*\.zip"/);
    assert.equal(Object.keys((await JSZip.loadAsync(Buffer.from(await two.arrayBuffer()))).files).length, 2);
    const moodle = await post([['format', 'moodle'], ['scope', 'all'], ['q', 'Moodle']]);
    assert.match(moodle.headers.get('content-disposition') ?? '', /filename="moodle-courses-.*\.csv"/);
    assert.match(Buffer.from(await moodle.arrayBuffer()).toString('utf8'), /^\uFEFFshortname,fullname,category_path,idnumber,summary,visible\r\n/);
    const canvas = await post([['format', 'canvas'], ['ids', String(python)]]);
    assert.equal(Buffer.from(await canvas.arrayBuffer()).toString('utf8'), '\uFEFFcourse_id,short_name,long_name,account_id,term_id,status\r\nLMS-PY,LMS Python,LMS Python,,,active\r\n');
  });

  test("a foreign cartridge's warnings read in French on its import's page", async () => {
    assert.ok(foreignImportId, 'the foreign cartridge was imported above');
    const session = new HttpSession(() => base);
    await session.signIn('viewer@example.com', PASSWORD, '/admin-dashboard/courses/');
    const page = await (await session.fetch(`/admin-dashboard/imports/${foreignImportId}/`, { headers: { 'Accept-Language': 'fr' } })).text();
    const text = page.replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&');
    assert.ok(text.includes("les métadonnées de la cartouche n'ont pas d'identifiant ; l'identifiant de son manifeste, BLACKBOARD-CHEM-1, sert d'identifiant externe (external_id)"), text);
    assert.ok(text.includes("la cartouche n'indique pas de prix ; le cours est importé comme gratuit"));
    assert.ok(text.includes("1 élément du type de ressource imsqti_xmlv1p2/imscc_xmlv1p1/assessment (par ex. « Quiz 1 ») n'a pas été importé : seuls les contenus web et les liens web deviennent des leçons"));
    assert.doesNotMatch(text, /the cartridge has no price/);
  });

  test('the export needs a signed-in user', async () => {
    const res = await fetch(`${base}/admin-dashboard/courses/export/?format=imscc`, { redirect: 'manual' });
    assert.ok([302, 303, 401].includes(res.status), String(res.status));
    assert.notEqual(res.headers.get('content-type'), 'application/zip');
  });
});

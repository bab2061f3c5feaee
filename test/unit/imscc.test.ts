// IMS Common Cartridge: what our writer produces reads back as the same course; a cartridge written by hand
// after the CC 1.1 spec (web content, web links, a discussion) reads with its warnings; hostile archives are refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import JSZip from 'jszip';
import { parseSmallXml, readImscc, type XmlElement } from '../../src/ingest/readers/imscc';
import { cartridgeZip, lmsCsv } from '../../src/courses/lms-export';
import { userTagsOf } from '../../src/courses/export';
import { normalizeCourse } from '../../src/domain/normalize';
import { DEFAULT_READER_LIMITS, FileValidationError, type FileWarning, type SourceRow } from '../../src/domain/types';
import type { CourseRow } from '../../src/db/course-queries';
import { readRows } from '../../src/ingest/readers/index';

async function withFile<T>(bytes: Buffer, fn: (file: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(tmpdir(), 'imscc-'));
  const file = path.join(dir, 'course.imscc');
  await writeFile(file, bytes);
  try {
    return await fn(file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function read(bytes: Buffer): Promise<{ rows: SourceRow[]; warnings: FileWarning[] }> {
  return withFile(bytes, async (file) => {
    const rows: SourceRow[] = [];
    const warnings: FileWarning[] = [];
    for await (const r of readImscc(file, DEFAULT_READER_LIMITS, (w) => warnings.push(w))) rows.push(r);
    return { rows, warnings };
  });
}

function storedCourse(extra: Partial<CourseRow> = {}): CourseRow {
  const r = normalizeCourse({
    external_id: 'MOD-42',
    title: 'Python & <Data>',
    description: 'Des données.\n\nDeux paragraphes, "guillemets" & <balises>.',
    category: 'Programmation',
    instructor: 'Jean Dupont',
    duration: 12.5,
    difficulty: 'intermediate',
    learning_mode: 'mixed',
    price: 49.9,
    is_free: false,
    tags: ['python', 'données'],
    lessons: [
      { title: 'Intro', content: 'Bienvenue.\nLigne 2 < 3 & 4', order: 1, video_url: 'https://video.example/intro?a=1&b=2' },
      { title: 'Vidéo seule', content: null, order: 2, video_url: 'https://video.example/2' },
      { title: 'Titre seul', content: null, order: 3, video_url: null },
    ],
  });
  assert.ok(r.ok);
  return {
    id: 7,
    ...r.course,
    duration_hours: r.course.duration_hours,
    is_active: true,
    content_hash: '',
    created_at: new Date(),
    updated_at: new Date(),
    ...extra,
  } as unknown as CourseRow;
}

for (const version of ['1.3', '1.1'] as const) {
  test(`our CC ${version} cartridge reads back as the same course`, async () => {
    const c = storedCourse();
    const { rows, warnings } = await read(await cartridgeZip(c, { version, tags: userTagsOf }));
    assert.deepEqual(warnings, []);
    assert.equal(rows.length, 1);
    const back = normalizeCourse(rows[0]!.raw);
    assert.ok(back.ok, JSON.stringify(back));
    const { natural_key, quality_score, ...fields } = back.course;
    const { id: _id, is_active: _a, content_hash: _h, created_at: _c, updated_at: _u, natural_key: nk, quality_score: qs, ...expected } = c as CourseRow & { quality_score: number };
    assert.deepEqual(fields, expected);
    assert.equal(natural_key, nk);
    assert.equal(quality_score, qs);
  });
}

/** A cartridge as another tool writes it, after the CC 1.1 profile: LOM 1.1 namespaces, no file of ours. */
async function foreignCartridge(): Promise<Buffer> {
  const zip = new JSZip();
  zip.file('imsmanifest.xml', `<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="cctd0015" xmlns="http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"
  xmlns:lomimscc="http://ltsc.ieee.org/xsd/imsccv1p1/LOM/manifest">
  <metadata>
    <schema>IMS Common Cartridge</schema>
    <schemaversion>1.1.0</schemaversion>
    <lomimscc:lom><lomimscc:general>
      <lomimscc:title><lomimscc:string language="en-US">Biology 101</lomimscc:string></lomimscc:title>
      <lomimscc:description><lomimscc:string>Cells &amp; <![CDATA[organisms]]></lomimscc:string></lomimscc:description>
      <lomimscc:keyword><lomimscc:string>biology</lomimscc:string><lomimscc:string>science</lomimscc:string></lomimscc:keyword>
    </lomimscc:general></lomimscc:lom>
  </metadata>
  <organizations>
    <organization identifier="org" structure="rooted-hierarchy">
      <item identifier="root">
        <item identifier="week1"><title>Week 1: Cells</title>
          <item identifier="i1" identifierref="page1"><title>Reading</title></item>
          <item identifier="i2" identifierref="link1"><title>Lecture video</title></item>
          <item identifier="i3" identifierref="forum1"><title>Discuss cells</title></item>
        </item>
        <item identifier="i4" identifierref="page2"><title>Week 2: Genes</title></item>
        <item identifier="i5" identifierref="pdf1"><title>Syllabus</title></item>
      </item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="page1" type="webcontent" href="wiki_content/cells.html"><file href="wiki_content/cells.html"/></resource>
    <resource identifier="page2" type="webcontent" href="wiki_content/genes.html"><file href="wiki_content/genes.html"/></resource>
    <resource identifier="pdf1" type="webcontent" href="web_resources/syllabus.pdf"><file href="web_resources/syllabus.pdf"/></resource>
    <resource identifier="link1" type="imswl_xmlv1p1"><file href="link1.xml"/></resource>
    <resource identifier="forum1" type="imsdt_xmlv1p1"><file href="forum1.xml"/></resource>
  </resources>
</manifest>`);
  zip.file('wiki_content/cells.html', '<!DOCTYPE html><html><head><title>Cells</title><script>alert(1)</script></head><body><h2>Cells</h2><p>A cell is <b>small</b>.</p><script>steal()</script></body></html>');
  zip.file('wiki_content/genes.html', '<html><body><p>Genes &eacute;volution</p></body></html>');
  zip.file('web_resources/syllabus.pdf', '%PDF-1.4');
  zip.file('link1.xml', '<?xml version="1.0"?><webLink xmlns="http://www.imsglobal.org/xsd/imsccv1p1/imswl_v1p1"><title>Video</title><url href="https://video.example/cells"/></webLink>');
  zip.file('forum1.xml', '<?xml version="1.0"?><topic xmlns="http://www.imsglobal.org/xsd/imsccv1p1/imsdt_v1p1"><title>Discuss</title><text texttype="text/plain">Talk</text></topic>');
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}

test('a cartridge written by another tool: lessons from items, HTML sanitised, unknown types as warnings', async () => {
  const { rows, warnings } = await read(await foreignCartridge());
  const r = normalizeCourse(rows[0]!.raw);
  assert.ok(r.ok, JSON.stringify(r));
  assert.equal(r.course.title, 'Biology 101');
  assert.equal(r.course.description, 'Cells & organisms');
  assert.equal(r.course.external_id, 'cctd0015');
  assert.deepEqual(r.course.tags.slice(0, 2), ['biology', 'science']);
  assert.deepEqual(r.course.lessons.map((l) => [l.title, l.content, l.video_url]), [
    ['Week 1: Cells', 'Cells\n\nA cell is small.', 'https://video.example/cells'],
    ['Week 2: Genes', 'Genes évolution', null],
    ['Syllabus', null, null],
  ]);
  const codes = warnings.map((w) => w.code).sort();
  assert.deepEqual(codes, ['cartridge_identifier', 'cartridge_price', 'cartridge_resource_skipped', 'cartridge_resource_skipped']);
  assert.equal(r.course.is_free, true);
  assert.ok(warnings.some((w) => w.message.includes('imsdt_xmlv1p1') && w.message.includes('Discuss cells')));
  assert.ok(warnings.some((w) => w.message.includes('webcontent (pdf)')));
});

async function refused(bytes: Buffer, code: string, pattern: RegExp): Promise<void> {
  await assert.rejects(read(bytes), (e: unknown) => e instanceof FileValidationError && e.code === code && pattern.test(e.message));
}

test('hostile cartridges are refused: traversal, symlink, zip bomb, DTD, no manifest', async () => {
  const base = () => {
    const z = new JSZip();
    z.file('imsmanifest.xml', '<manifest xmlns="http://www.imsglobal.org/xsd/imsccv1p3/imscp_v1p1"><metadata><schemaversion>1.3.0</schemaversion></metadata></manifest>');
    return z;
  };
  const traversal = base();
  traversal.file('../../etc/evil.html', 'x', { createFolders: false });
  await refused(await traversal.generateAsync({ type: 'nodebuffer' }), 'unsafe', /unsafe path/);

  const link = base();
  link.file('lessons/link.html', '/etc/passwd', { unixPermissions: 0o120777 });
  await refused(await link.generateAsync({ type: 'nodebuffer', platform: 'UNIX' }), 'unsafe', /symbolic link/);

  const bomb = base();
  bomb.file('lessons/zeros.html', Buffer.alloc(20 * 1024 * 1024));
  await refused(await bomb.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: { level: 9 } }), 'unsafe', /zip bomb/);

  const dtd = new JSZip();
  dtd.file('imsmanifest.xml', '<?xml version="1.0"?><!DOCTYPE manifest [<!ENTITY x SYSTEM "file:///etc/passwd">]><manifest>&x;</manifest>');
  await refused(await dtd.generateAsync({ type: 'nodebuffer' }), 'unsafe', /DOCTYPE/);

  const none = new JSZip();
  none.file('course.html', '<p>x</p>');
  await refused(await none.generateAsync({ type: 'nodebuffer' }), 'malformed', /imsmanifest\.xml/);
});

test('Moodle and Canvas CSVs read back through the built-in column names', async () => {
  const c = storedCourse();
  for (const kind of ['moodle', 'canvas'] as const) {
    const text = lmsCsv(kind, [c, storedCourse({ id: 8, external_id: null, title: 'Sans id', category: null })], true);
    const warned: string[] = [];
    const rows = await withFile(Buffer.from(text), async (file) => {
      const out: SourceRow[] = [];
      for await (const r of readRows('csv', file, DEFAULT_READER_LIMITS, (w) => warned.push(w.code))) out.push(r);
      return out;
    });
    assert.ok(warned.includes('lms_layout'), kind);
    const courses = rows.map((r) => {
      const n = normalizeCourse(r.raw);
      assert.ok(n.ok, JSON.stringify(n));
      return n.course;
    });
    assert.deepEqual(courses.map((x) => [x.title, x.external_id]), [['Python & <Data>', 'MOD-42'], ['Sans id', null]]);
    if (kind === 'canvas') assert.match(text, /\r\ncourse-import-8,Sans id,Sans id,,,active\r\n/);
    if (kind === 'moodle') assert.deepEqual(courses.map((x) => [x.description, x.category]), [[c.description, 'Programmation'], [c.description, null]]);
  }
});

// The official IMS CC XSDs could not be obtained here (see README, "LMS exchange"): these are the packaging rules
// of the CC 1.1 / 1.3 profiles that can be checked without them.
for (const version of ['1.3', '1.1'] as const) {
  test(`our CC ${version} manifest follows the cartridge's packaging rules`, async () => {
    const zip = await JSZip.loadAsync(await cartridgeZip(storedCourse(), { version, tags: userTagsOf }));
    const text = await zip.file('imsmanifest.xml')!.async('string');
    const v = version === '1.3' ? 'v1p3' : 'v1p1';
    assert.match(text, new RegExp(`<manifest identifier="[^"]+" xmlns="http://www\\.imsglobal\\.org/xsd/imscc${v}/imscp_v1p1" xmlns:lomimscc="http://ltsc\\.ieee\\.org/xsd/imscc${v}/LOM/manifest"`));
    const m = parseSmallXml(text, 'imsmanifest.xml');
    assert.deepEqual(m.children.map((c) => c.name), ['metadata', 'organizations', 'resources']);
    const metadata = m.children[0]!;
    assert.deepEqual(metadata.children.map((c) => [c.name, c.text.trim()]).slice(0, 2), [['schema', 'IMS Common Cartridge'], ['schemaversion', `${version}.0`]]);
    // LOM general: title, language, description, keyword, in the LOM order (IEEE 1484.12.3 binding).
    const general = metadata.children[2]!.children[0]!;
    assert.deepEqual([...new Set(general.children.map((c) => c.name))], ['title', 'language', 'description', 'keyword']);
    // Identifiers are unique xs:ID values (NCName); every identifierref names a resource.
    const ids: string[] = [];
    const refs: string[] = [];
    const walk = (el: XmlElement) => {
      if (el.attributes.identifier !== undefined) ids.push(el.attributes.identifier);
      if (el.attributes.identifierref !== undefined) refs.push(el.attributes.identifierref);
      el.children.forEach(walk);
    };
    walk(m);
    assert.equal(new Set(ids).size, ids.length);
    for (const id of ids) assert.match(id, /^[A-Za-z_][\w.-]*$/);
    const resources = m.children[2]!.children;
    for (const ref of refs) assert.ok(resources.some((r) => r.attributes.identifier === ref), ref);
    // One organisation, a rooted hierarchy with a single root item holding the lessons in order.
    const organization = m.children[1]!.children;
    assert.equal(organization.length, 1);
    assert.equal(organization[0]!.attributes.structure, 'rooted-hierarchy');
    assert.equal(organization[0]!.children.length, 1);
    assert.deepEqual(organization[0]!.children[0]!.children.map((i) => i.children[0]!.text), ['Intro', 'Vidéo seule', 'Titre seul']);
    // Every file a resource lists is in the package; a resource's href is one of its files; web links are
    // imswl documents of the version's namespace with a URL.
    for (const r of resources) {
      const files = r.children.filter((c) => c.name === 'file').map((f) => f.attributes.href!);
      assert.ok(files.length > 0, r.attributes.identifier);
      for (const f of files) assert.ok(zip.file(f), f);
      if (r.attributes.href !== undefined) assert.ok(files.includes(r.attributes.href));
      assert.ok(['webcontent', `imswl_xml${v}`, `associatedcontent/imscc_xml${v}/learning-application-resource`].includes(r.attributes.type!), r.attributes.type);
      if (r.attributes.type === `imswl_xml${v}`) {
        const wl = await zip.file(files[0]!)!.async('string');
        assert.match(wl, new RegExp(`<webLink xmlns="http://www\\.imsglobal\\.org/xsd/imscc${v}/imswl_${v}">`));
        assert.match(parseSmallXml(wl, 'web link').children.find((c) => c.name === 'url')!.attributes.href!, /^https:\/\//);
      }
    }
  });
}

test('a cartridge of more page text than a row can hold stops reading pages, with a warning', async () => {
  const zip = new JSZip();
  const items = [1, 2, 3].map((n) => `<item identifier="i${n}" identifierref="r${n}"><title>Page ${n}</title></item>`).join('');
  const resources = [1, 2, 3].map((n) => `<resource identifier="r${n}" type="webcontent" href="p${n}.html"><file href="p${n}.html"/></resource>`).join('');
  zip.file('imsmanifest.xml', `<manifest identifier="m" xmlns="http://www.imsglobal.org/xsd/imsccv1p3/imscp_v1p1"><metadata><schemaversion>1.3.0</schemaversion></metadata><organizations><organization identifier="o" structure="rooted-hierarchy"><item identifier="root">${items}</item></organization></organizations><resources>${resources}</resources></manifest>`);
  for (const n of [1, 2, 3]) zip.file(`p${n}.html`, `<p>${'x'.repeat(1500)}</p>`);
  const warnings: FileWarning[] = [];
  const rows: SourceRow[] = [];
  await withFile(await zip.generateAsync({ type: 'nodebuffer' }), async (file) => {
    for await (const r of readImscc(file, { ...DEFAULT_READER_LIMITS, maxRowBytes: 700 }, (w) => warnings.push(w))) rows.push(r);
  });
  const lessons = rows[0]!.raw.lessons as { content: string | null }[];
  assert.equal(lessons.length, 3);
  assert.ok(lessons[0]!.content!.length > 1000);
  assert.ok(lessons[2]!.content === null);
  assert.ok(warnings.some((w) => w.code === 'cartridge_content_cut'), JSON.stringify(warnings));
});

test("a cartridge titled only by its organisation takes that title, with a warning", async () => {
  const zip = new JSZip();
  zip.file('imsmanifest.xml', '<manifest identifier="m1" xmlns="http://www.imsglobal.org/xsd/imsccv1p3/imscp_v1p1"><metadata><schemaversion>1.3.0</schemaversion></metadata><organizations><organization identifier="o" structure="rooted-hierarchy"><title>Cours de physique</title><item identifier="root"/></organization></organizations><resources/></manifest>');
  const { rows, warnings } = await read(await zip.generateAsync({ type: 'nodebuffer' }));
  assert.equal(rows[0]!.raw.title, 'Cours de physique');
  assert.ok(warnings.some((w) => w.code === 'cartridge_title'));
});

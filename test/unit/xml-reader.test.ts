import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readXml } from '../../src/ingest/readers/xml';
import { readRows } from '../../src/ingest/readers';
import { normalizeCourse } from '../../src/domain/normalize';
import { createFileWarnings } from '../../src/domain/file-warnings';
import type { FileWarning } from '../../src/domain/types';
import { collect, LIMITS, readError, tempDir, writeFile } from './helpers/files';

const dir = tempDir();

const DJANGO = `<?xml version="1.0" encoding="UTF-8"?>
<courses xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="https://example.com/schemas/courses.xsd">
  <course>
    <title>Django Advanced</title>
    <description><![CDATA[Concepts <b>avancés</b> Django]]></description>
    <category>Web Development</category>
    <instructor>Marie Martin</instructor>
    <duration>20</duration>
    <difficulty>advanced</difficulty>
    <learning_mode>practice</learning_mode>
    <price>99.99</price>
    <is_free>false</is_free>
    <lessons>
      <lesson order="2"><title>Vues génériques</title><content>ListView &amp; DetailView</content></lesson>
      <lesson order="1"><title>Models avancés</title><content>Relations complexes...</content><video_url>https://example.com/video1</video_url></lesson>
    </lessons>
    <tags><tag>django</tag><tag>python</tag></tags>
  </course>
  <course>
    <title>Python Basics</title>
    <price>0</price>
    <lessons>Intro;Variables</lessons>
    <tags>python, beginner</tags>
  </course>
</courses>
`;

test('the documented structure reads one row per <course>, lessons and tags as arrays, and normalises', async () => {
  const rows = await collect(readXml(writeFile(dir, 'django.xml', DJANGO), LIMITS));
  assert.deepEqual(rows.map((r) => r.rowNumber), [1, 2]);
  assert.equal(rows[0]!.raw.title, 'Django Advanced');
  assert.deepEqual(rows[0]!.raw.tags, ['django', 'python']);
  assert.deepEqual(rows[0]!.raw.lessons, [
    { order: '2', title: 'Vues génériques', content: 'ListView & DetailView' },
    { order: '1', title: 'Models avancés', content: 'Relations complexes...', video_url: 'https://example.com/video1' },
  ]);
  const r = normalizeCourse(rows[0]!.raw);
  assert.ok(r.ok, JSON.stringify(r));
  assert.equal(r.course.price, 99.99);
  assert.equal(r.course.is_free, false);
  assert.equal(r.course.description, 'Concepts avancés Django');
  assert.deepEqual(r.course.lessons.map((l) => [l.order, l.title, l.video_url]), [[1, 'Models avancés', 'https://example.com/video1'], [2, 'Vues génériques', null]]);
  const r2 = normalizeCourse(rows[1]!.raw);
  assert.ok(r2.ok, JSON.stringify(r2));
  assert.deepEqual(r2.course.lessons.map((l) => l.title), ['Intro', 'Variables']);
  assert.ok(r2.course.is_free);
  assert.deepEqual(r2.course.tags.slice(0, 2), ['python', 'beginner']);
});

test('French element names are the French column names; an unknown element is an unknown column', async () => {
  const xml = '<courses><course><titre>Excel pour les débutants</titre><catégorie>Bureautique</catégorie><prix>19,99 €</prix><niveau>débutant</niveau><leçons><leçon><titre>Interface</titre></leçon><leçon>Formules</leçon></leçons><mots-clés><tag>excel</tag></mots-clés><couleur>bleu</couleur></course></courses>';
  const rows = await collect(readXml(writeFile(dir, 'fr.xml', xml), LIMITS));
  const r = normalizeCourse(rows[0]!.raw);
  assert.ok(r.ok, JSON.stringify(r));
  assert.equal(r.course.title, 'Excel pour les débutants');
  assert.equal(r.course.category, 'Bureautique');
  assert.equal(r.course.price, 19.99);
  assert.equal(r.course.difficulty, 'beginner');
  assert.deepEqual(r.course.lessons.map((l) => l.title), ['Interface', 'Formules']);
  assert.equal(r.course.tags[0], 'excel');
  const warnings = createFileWarnings();
  for (const row of rows) warnings.seeRow(row);
  assert.deepEqual(warnings.list().map((w) => [w.code, w.column]), [['unknown_column', 'couleur']]);
});

test('namespaces, comments and processing instructions are allowed; a repeated field keeps the first with a row warning', async () => {
  const xml = '<?xml version="1.0"?>\n<!-- export -->\n<c:courses xmlns:c="urn:courses"><c:course><c:title>A</c:title><c:title>B</c:title><c:price>0</c:price></c:course><?pi x?></c:courses>';
  const rows = await collect(readXml(writeFile(dir, 'ns.xml', xml), LIMITS));
  assert.equal(rows[0]!.raw.title, 'A');
  assert.match(rows[0]!.warnings![0]!.message, /title: the element <title> appears more than once/);
});

test('an element under <courses> that is not a <course> is skipped with a file warning', async () => {
  const xml = '<courses><meta><title>not a course</title></meta><course><title>A</title></course></courses>';
  const warnings: FileWarning[] = [];
  const rows = await collect(readXml(writeFile(dir, 'meta.xml', xml), LIMITS, (w) => warnings.push(w)));
  assert.deepEqual(rows.map((r) => r.raw.title), ['A']);
  assert.deepEqual(warnings.map((w) => [w.code, w.column]), [['unknown_element', 'meta']]);
});

test('UTF-16 with a byte-order mark is read', async () => {
  const xml = '\uFEFF<?xml version="1.0" encoding="UTF-16"?><courses><course><title>Été</title></course></courses>';
  const rows = await collect(readRows('xml', writeFile(dir, 'u16.xml', Buffer.from(xml, 'utf16le')), LIMITS));
  assert.equal(rows[0]!.raw.title, 'Été');
});

test('XXE: a DOCTYPE with an external entity is refused before parsing', async () => {
  const xml = '<?xml version="1.0"?>\n<!DOCTYPE courses [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>\n<courses><course><title>&xxe;</title></course></courses>';
  const e = await readError(readXml(writeFile(dir, 'xxe.xml', xml), LIMITS));
  assert.equal(e.code, 'unsafe');
  assert.match(e.message, /document type declaration/);
  assert.equal(e.rowsBefore, 0);
  const sys = '<?xml version="1.0"?><!DOCTYPE courses SYSTEM "file:///etc/passwd"><courses/>';
  assert.equal((await readError(readXml(writeFile(dir, 'xxe2.xml', sys), LIMITS))).code, 'unsafe');
});

test('billion laughs is refused; a DOCTYPE anywhere, even cut across two read chunks, is refused', async () => {
  const lol = ['<?xml version="1.0"?>', '<!DOCTYPE lolz [', ' <!ENTITY lol "lol">',
    ...Array.from({ length: 9 }, (_, i) => ` <!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`), ']>', '<courses><course><title>&lol9;</title></course></courses>'].join('\n');
  assert.equal((await readError(readXml(writeFile(dir, 'lol.xml', lol), LIMITS))).code, 'unsafe');
  // 64 KB chunks: the declaration straddles the first boundary, after a first course.
  const head = '<courses><course><title>A</title></course><!--';
  const pad = ' '.repeat(64 * 1024 - head.length - 4);
  const late = `${head}${pad}--><!DOCTYPE x><course><title>B</title></course></courses>`;
  assert.equal((await readError(readXml(writeFile(dir, 'late.xml', late), LIMITS))).code, 'unsafe');
});

test('an undefined entity is malformed with line, column and the path of the element', async () => {
  const xml = '<courses>\n<course><title>A</title></course>\n<course><title>B</title></course>\n<course><title>C</title>\n<price>&euro;12</price></course></courses>';
  const e = await readError(readXml(writeFile(dir, 'ent.xml', xml), LIMITS));
  assert.equal(e.code, 'malformed');
  assert.match(e.message, /^invalid XML at line 5, column \d+ \(\/courses\/course\[3\]\/price\): /);
});

test('not well-formed XML, a wrong root, nothing inside, deep nesting', async () => {
  const broken = await readError(readXml(writeFile(dir, 'broken.xml', '<courses><course><title>A</course></courses>'), LIMITS));
  assert.equal(broken.code, 'malformed');
  assert.match(broken.message, /line 1, column \d+ \(\/courses\/course\[1\]\)/);
  const root = await readError(readXml(writeFile(dir, 'root.xml', '<catalog><course/></catalog>'), LIMITS));
  assert.equal(root.code, 'malformed');
  assert.match(root.message, /expected <courses>/);
  assert.equal((await readError(readXml(writeFile(dir, 'none.xml', '<courses/>'), LIMITS))).code, 'empty');
  const deep = `<courses><course><title>${'<a>'.repeat(50_000)}`;
  const d = await readError(readXml(writeFile(dir, 'deep.xml', deep), LIMITS));
  assert.equal(d.code, 'too_complex');
  assert.match(d.message, /nesting deeper than 32 levels at line 1/);
  assert.equal((await readError(readXml(writeFile(dir, 'latin.xml', '<?xml version="1.0" encoding="ISO-8859-1"?><courses/>'), LIMITS))).code, 'unreadable');
});

test('the extension and the first bytes: .xml must start with markup', async () => {
  const e = await readError(readRows('xml', writeFile(dir, 'csv.xml', 'title,price\nA,0\n'), LIMITS));
  assert.equal(e.code, 'format_mismatch');
  const rows = await collect(readRows('xml', writeFile(dir, 'ok.xml', '\uFEFF\n  <courses><course><title>A</title></course></courses>'), LIMITS));
  assert.equal(rows.length, 1);
});

test('too many courses', async () => {
  const xml = `<courses>${'<course><title>A</title></course>'.repeat(5)}</courses>`;
  assert.equal((await readError(readXml(writeFile(dir, 'many.xml', xml), { ...LIMITS, maxRows: 3 }))).code, 'too_many_rows');
});

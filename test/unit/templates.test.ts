import { test } from 'node:test';
import assert from 'node:assert/strict';
import { neutralizeFormula, sampleCourses, toCsv, toJson, TEMPLATE_KINDS } from '../../src/domain/templates';
import { normalizeCourse } from '../../src/domain/normalize';
import { tempDir, writeFile, collect, LIMITS } from './helpers/files';
import { readCsv } from '../../src/ingest/readers/csv';
import { readJson } from '../../src/ingest/readers/json';

test('the simple template is the seed\'s Python Basics; with_lessons is Django Advanced with lesson objects', () => {
  const [simple] = sampleCourses('simple');
  assert.equal(simple?.title, 'Python Basics');
  assert.equal(simple?.instructor, 'Jean Dupont');
  const [django] = sampleCourses('with_lessons');
  assert.equal(django?.title, 'Django Advanced');
  assert.deepEqual((django?.lessons as unknown[])[0], { title: 'Models avancés', content: 'Relations complexes...', order: 1, video_url: 'https://example.com/video1' });
});

test('bulk has about 20 varied courses, French and English, all distinct', () => {
  const bulk = sampleCourses('bulk');
  assert.ok(bulk.length >= 18 && bulk.length <= 25);
  assert.equal(new Set(bulk.map((c) => c.title)).size, bulk.length);
  assert.equal(new Set(bulk.map((c) => c.difficulty)).size, 4);
  assert.equal(new Set(bulk.map((c) => c.learning_mode)).size, 4);
  assert.ok(bulk.some((c) => c.is_free === true) && bulk.some((c) => c.is_free === false));
});

test('every template row normalises without errors or warnings', () => {
  for (const kind of TEMPLATE_KINDS) {
    for (const raw of sampleCourses(kind)) {
      const r = normalizeCourse(raw);
      assert.ok(r.ok, `${kind} / ${String(raw.title)}: ${JSON.stringify(!r.ok && r.errors)}`);
      assert.deepEqual(r.warnings, []);
    }
  }
});

test('sampleCourses returns copies', () => {
  sampleCourses('simple')[0]!.title = 'changed';
  assert.equal(sampleCourses('simple')[0]!.title, 'Python Basics');
});

test('neutralizeFormula prefixes cells a spreadsheet would run', () => {
  for (const cell of ['=1+1', '+33 6 12', '-2', '@SUM(A1)', '\tx', '\rx']) assert.equal(neutralizeFormula(cell), `'${cell}`);
  for (const cell of ['Python', '', ' =not at start', '49,99']) assert.equal(neutralizeFormula(cell), cell);
});

test('toCsv: RFC 4180 quoting, CRLF, lessons joined by ";", tags by ",", BOM by default', () => {
  const csv = toCsv([{ title: 'Say "hi", then\nleave', lessons: [{ title: 'A' }, 'B'], tags: ['x', 'y'], price: 0, is_free: true, description: '=HYPERLINK("x")' }]);
  assert.ok(csv.startsWith('\uFEFFtitle,description,category,instructor,duration,difficulty,learning_mode,price,is_free,lessons,tags\r\n'));
  assert.equal(csv.split('\r\n')[1], '"Say ""hi"", then\nleave","\'=HYPERLINK(""x"")",,,,,,0,true,A;B,"x,y"');
  assert.ok(csv.endsWith('\r\n'));
  assert.ok(!toCsv([], { bom: false }).startsWith('\uFEFF'));
  assert.ok(toCsv([{ title: 'a;b' }], { delimiter: ';' }).includes('"a;b"'));
});

test('toJson is indented JSON of the rows', () => {
  assert.deepEqual(JSON.parse(toJson(sampleCourses('bulk'))), sampleCourses('bulk'));
});

test('round trip: templates written with toCsv / toJson read back through the readers and normalise', async () => {
  const dir = tempDir();
  const bulk = sampleCourses('bulk');
  const csvRows = await collect(readCsv(writeFile(dir, 'bulk.csv', toCsv(bulk)), LIMITS));
  const jsonRows = await collect(readJson(writeFile(dir, 'bulk.json', toJson(bulk)), LIMITS));
  assert.equal(csvRows.length, bulk.length);
  assert.equal(jsonRows.length, bulk.length);
  for (const [i, row] of csvRows.entries()) {
    const fromCsv = normalizeCourse(row.raw);
    const fromJson = normalizeCourse(jsonRows[i]!.raw);
    assert.ok(fromCsv.ok && fromJson.ok);
    assert.deepEqual(fromCsv.course, fromJson.course, String(bulk[i]!.title));
  }
});

test('a neutralised formula cell re-imports as it was exported, and other apostrophes stay', async () => {
  const { restoreNeutralized } = await import('../../src/domain/formula');
  for (const cell of ['=SUM(A1:A2)', '+33 1 23 45', '-10%', '@user', '\tindent']) {
    assert.notEqual(neutralizeFormula(cell), cell);
    assert.equal(restoreNeutralized(neutralizeFormula(cell)), cell);
  }
  assert.equal(restoreNeutralized("'tis the season"), "'tis the season");
  assert.equal(restoreNeutralized("L'école"), "L'école");
});

test('round trip: every template written as XML and YAML reads back to the same normalised courses as JSON', async () => {
  const { toXml, toYaml } = await import('../../src/domain/course-writers');
  const { readXml } = await import('../../src/ingest/readers/xml');
  const { readYaml } = await import('../../src/ingest/readers/yaml');
  const dir = tempDir();
  for (const kind of TEMPLATE_KINDS) {
    const rows = sampleCourses(kind);
    const jsonRows = await collect(readJson(writeFile(dir, `${kind}.json`, toJson(rows)), LIMITS));
    const xmlRows = await collect(readXml(writeFile(dir, `${kind}.xml`, toXml(rows)), LIMITS));
    const yamlRows = await collect(readYaml(writeFile(dir, `${kind}.yaml`, toYaml(rows)), LIMITS));
    assert.equal(xmlRows.length, rows.length);
    assert.equal(yamlRows.length, rows.length);
    for (const [i, row] of jsonRows.entries()) {
      const expected = normalizeCourse(row.raw);
      for (const [format, other] of [['xml', xmlRows[i]!], ['yaml', yamlRows[i]!]] as const) {
        const r = normalizeCourse(other.raw);
        assert.ok(expected.ok && r.ok, `${kind} ${format} ${String(rows[i]!.title)}: ${JSON.stringify(!r.ok && r.errors)}`);
        assert.deepEqual(r.course, expected.course, `${kind} ${format} ${String(rows[i]!.title)}`);
        assert.deepEqual(r.warnings, []);
      }
    }
  }
});

test('the XML writer escapes text and drops characters XML cannot hold; YAML quotes what would change type', async () => {
  const { courseToXml, courseToYaml, xmlEscape } = await import('../../src/domain/course-writers');
  assert.equal(xmlEscape('a < b && "c" > d\r\u0001'), 'a &lt; b &amp;&amp; &quot;c&quot; &gt; d&#13;');
  const xml = courseToXml({ title: '</title><script>', price: 0, lessons: ['<Intro>'], tags: ['c&a'], category: null });
  assert.ok(xml.includes('<title>&lt;/title&gt;&lt;script&gt;</title>'));
  assert.ok(xml.includes('<lesson order="1"><title>&lt;Intro&gt;</title></lesson>'));
  assert.ok(!xml.includes('category'));
  const yaml = courseToYaml({ title: 'true', description: '10', instructor: 'null', category: '- x: y', price: 0 });
  const { parse } = await import('yaml');
  assert.deepEqual(parse(yaml, { schema: 'core' }), [{ title: 'true', description: '10', instructor: 'null', category: '- x: y', price: 0 }]);
});

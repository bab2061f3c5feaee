import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readYaml, YAML_MAX_ALIASES } from '../../src/ingest/readers/yaml';
import { readRows } from '../../src/ingest/readers';
import { normalizeCourse } from '../../src/domain/normalize';
import { NOT_AN_OBJECT_KEY } from '../../src/domain/source-marks';
import { createFileWarnings } from '../../src/domain/file-warnings';
import { collect, LIMITS, readError, tempDir, writeFile } from './helpers/files';

const dir = tempDir();

const DJANGO = `# a catalogue
- title: Django Advanced
  description: Concepts avancés Django
  category: Web Development
  duration: 20
  difficulty: advanced
  learning_mode: practice
  price: 99.99
  is_free: false
  lessons:
    - { title: Models avancés, content: Relations complexes..., order: 1, video_url: "https://example.com/video1" }
    - title: Vues génériques
      order: 2
  tags: [django, python]
- titre: Python Basics
  prix: 0
  leçons: Intro;Variables
  mots-clés: python, beginner
  couleur: bleu
`;

test('a list of courses reads as rows and normalises like JSON, French keys included', async () => {
  const rows = await collect(readYaml(writeFile(dir, 'list.yaml', DJANGO), LIMITS));
  assert.deepEqual(rows.map((r) => r.rowNumber), [1, 2]);
  assert.equal(rows[0]!.raw.price, 99.99);
  const r = normalizeCourse(rows[0]!.raw);
  assert.ok(r.ok, JSON.stringify(r));
  assert.deepEqual(r.course.lessons.map((l) => [l.order, l.title]), [[1, 'Models avancés'], [2, 'Vues génériques']]);
  assert.deepEqual(r.course.tags.slice(0, 2), ['django', 'python']);
  const r2 = normalizeCourse(rows[1]!.raw);
  assert.ok(r2.ok, JSON.stringify(r2));
  assert.equal(r2.course.title, 'Python Basics');
  assert.deepEqual(r2.course.lessons.map((l) => l.title), ['Intro', 'Variables']);
  const warnings = createFileWarnings();
  for (const row of rows) warnings.seeRow(row);
  assert.deepEqual(warnings.list().map((w) => w.column), ['couleur']);
});

test('courses: wraps the list; other keys and a $schema are ignored; a non-mapping item is a row error', async () => {
  const yaml = 'version: 2\ncourses:\n  - title: A\n  - just a string\n  - title: C\n';
  const rows = await collect(readRows('yaml', writeFile(dir, 'wrapped.yml', yaml), LIMITS));
  assert.deepEqual(rows.map((r) => r.rowNumber), [1, 2, 3]);
  assert.equal(rows[1]!.raw[NOT_AN_OBJECT_KEY], 'a string');
  // JSON is YAML 1.2: a JSON catalogue named .yaml reads the same.
  const json = await collect(readYaml(writeFile(dir, 'json.yaml', '{"$schema": "x", "courses": [{"title": "A", "price": 0}]}'), LIMITS));
  assert.deepEqual(json.map((r) => r.raw), [{ title: 'A', price: 0 }]);
});

test('custom and language tags are refused (no code runs, nothing is constructed)', async () => {
  const fn = '- title: A\n  description: !!js/function "function () { return process.exit(1) }"\n';
  const e = await readError(readYaml(writeFile(dir, 'fn.yaml', fn), LIMITS));
  assert.equal(e.code, 'unsafe');
  assert.match(e.message, /line 2, column \d+.*js\/function.*refused/);
  const py = '- !!python/object/apply:os.system ["ls"]\n';
  assert.equal((await readError(readYaml(writeFile(dir, 'py.yaml', py), LIMITS))).code, 'unsafe');
  assert.equal((await readError(readYaml(writeFile(dir, 'local.yaml', '- title: !mine A\n'), LIMITS))).code, 'unsafe');
});

test('duplicate keys are refused with their line', async () => {
  const e = await readError(readYaml(writeFile(dir, 'dup.yaml', '- title: A\n  price: 1\n  price: 2\n'), LIMITS));
  assert.equal(e.code, 'malformed');
  assert.match(e.message, /^invalid YAML at line 3, column 3: a key appears twice/);
});

test('an alias bomb is refused before it expands; a few aliases are fine', async () => {
  const bomb = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
    ...'bcdefghi'.split('').map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(',')}]`), 'courses: [*i]'].join('\n');
  const e = await readError(readYaml(writeFile(dir, 'bomb.yaml', bomb), LIMITS));
  assert.equal(e.code, 'too_complex');
  assert.match(e.message, new RegExp(`beyond ${YAML_MAX_ALIASES}`));
  const shared = 'lessons: &l [Intro, Setup]\ncourses:\n  - { title: A, price: 0, lessons: *l }\n  - { title: B, price: 0, lessons: *l }\n';
  const rows = await collect(readYaml(writeFile(dir, 'shared.yaml', shared), LIMITS));
  assert.deepEqual(rows.map((r) => r.raw.lessons), [['Intro', 'Setup'], ['Intro', 'Setup']]);
});

test('syntax errors, several documents, wrong shapes, empty lists, deep nesting', async () => {
  const syntax = await readError(readYaml(writeFile(dir, 'bad.yaml', '- title: "unclosed\n- title: B\n'), LIMITS));
  assert.equal(syntax.code, 'malformed');
  assert.match(syntax.message, /^invalid YAML at line \d+, column \d+: /);
  assert.match((await readError(readYaml(writeFile(dir, 'docs.yaml', '- title: A\n---\n- title: B\n'), LIMITS))).message, /several YAML documents/);
  assert.equal((await readError(readYaml(writeFile(dir, 'scalar.yaml', 'hello\n'), LIMITS))).code, 'malformed');
  assert.equal((await readError(readYaml(writeFile(dir, 'nolist.yaml', 'courses: 3\n'), LIMITS))).code, 'malformed');
  assert.equal((await readError(readYaml(writeFile(dir, 'emptylist.yaml', 'courses: []\n'), LIMITS))).code, 'empty');
  assert.equal((await readError(readYaml(writeFile(dir, 'comment.yaml', '# nothing\n'), LIMITS))).code, 'empty');
  const deep = await readError(readYaml(writeFile(dir, 'deep.yaml', `${'['.repeat(2_000_000)}${']'.repeat(2_000_000)}`), LIMITS));
  assert.equal(deep.code, 'too_complex');
  assert.match(deep.message, /nesting deeper than 32 levels at line 1, column 33/);
  const block = Array.from({ length: 40 }, (_, i) => `${' '.repeat(i * 2)}- k${i}:`).join('\n');
  assert.match((await readError(readYaml(writeFile(dir, 'block.yaml', block), LIMITS))).message, /nesting deeper than 32 levels at line (1[6-9]|[2-3]\d)/);
  const compact = `${'- '.repeat(40)}x\n`;
  assert.equal((await readError(readYaml(writeFile(dir, 'compact.yaml', compact), LIMITS))).code, 'too_complex');
  // Brackets in quoted and block scalars are text, and a real catalogue is far from the bound.
  const text = `- title: "${'['.repeat(100)}"\n  description: |\n    ${'{'.repeat(100)}\n      ${'['.repeat(50)}\n  lessons:\n    - title: '${'['.repeat(40)}'\n      order: 1\n`;
  assert.equal((await collect(readYaml(writeFile(dir, 'text.yaml', text), LIMITS))).length, 1);
  assert.equal((await readError(readYaml(writeFile(dir, 'many.yaml', '- a\n- b\n- c\n'), { ...LIMITS, maxRows: 2 }))).code, 'too_many_rows');
});

test('a big file is read course by course: errors keep the file\'s lines; what cannot be cut is bounded', async () => {
  const yaml = '# export\nversion: 2\ncourses:\n- title: A\n  description: |\n    - not a course\n    courses: no\n- title: B\n  price: 1\n  price: 2\nafter: true\n';
  const e = await readError(readYaml(writeFile(dir, 'lines.yaml', yaml), LIMITS));
  assert.match(e.message, /^invalid YAML at line 10, column 3: a key appears twice/);
  assert.equal(e.rowsBefore, 1);
  const ok = await collect(readYaml(writeFile(dir, 'cut.yaml', yaml.replace('  price: 2\n', '')), LIMITS));
  assert.deepEqual(ok.map((r) => [r.rowNumber, r.raw.title, r.raw.description]), [[1, 'A', '- not a course\ncourses: no\n'], [2, 'B', undefined]]);
  const top = await readError(readYaml(writeFile(dir, 'toptag.yaml', 'meta: !!js/undefined x\ncourses:\n  - title: A\n'), LIMITS));
  assert.equal(top.code, 'unsafe');
  const aliased = `base: &b {price: 0}\ncourses:\n${'  - {title: A, extra: *b}\n'.repeat(50_000)}`;
  assert.match((await readError(readYaml(writeFile(dir, 'aliased.yaml', aliased), LIMITS))).message, /over 1024 KB is read course by course/);
});

test('markup named .yaml is a format mismatch', async () => {
  assert.equal((await readError(readRows('yaml', writeFile(dir, 'x.yaml', '<courses/>'), LIMITS))).code, 'format_mismatch');
});

test('block scalars, empty or not, never start or end a course', async () => {
  const yaml = '- title: A\n  description: |\n- title: B\n  description: >-\n    - folded\n    text\n- title: C\n';
  const rows = await collect(readYaml(writeFile(dir, 'blocks.yaml', yaml), LIMITS));
  assert.deepEqual(rows.map((r) => [r.rowNumber, r.raw.title, r.raw.description]), [[1, 'A', ''], [2, 'B', '- folded text'], [3, 'C', undefined]]);
});

test('.yaml, .yml and .xml are accepted extensions on every entrance (formatFromFileName)', async () => {
  const { formatFromFileName, ACCEPTED_EXTENSIONS } = await import('../../src/ingest/readers/detect');
  assert.equal(formatFromFileName('Catalogue.YML'), 'yaml');
  assert.equal(formatFromFileName('c.yaml'), 'yaml');
  assert.equal(formatFromFileName('c.xml'), 'xml');
  assert.ok(['.xml', '.yaml', '.yml'].every((e) => e in ACCEPTED_EXTENSIONS));
});

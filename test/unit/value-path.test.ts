import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pointerToken, valuePath, withValuePaths } from '../../src/domain/value-path';
import { readRows } from '../../src/ingest/readers';
import { normalizeCourse } from '../../src/domain/normalize';
import type { RowError } from '../../src/domain/types';
import { collect, LIMITS, tempDir, writeFile } from './helpers/files';

const dir = tempDir();

test('RFC 6901 escaping: ~ then /', () => {
  assert.equal(pointerToken('a/b~c'), 'a~1b~0c');
});

test('JSON Pointer of a field, a lesson and the row; the key as written in the file', () => {
  const raw = { titre: 'A', prix: 'douze', lessons: [{ title: 'x' }, { title: 'y', order: 'z' }] };
  assert.equal(valuePath('/courses/2', raw, 'price'), '/courses/2/prix');
  assert.equal(valuePath('/2', raw, 'title'), '/2/titre');
  assert.equal(valuePath('/courses/2', raw, 'lessons[2].order'), '/courses/2/lessons/1/order');
  assert.equal(valuePath('/courses/2', raw, '*'), '/courses/2');
  assert.equal(valuePath('/0', { 'a/b': 1 }, 'is_free'), '/0/is_free');
});

test('XPath-like path of an XML field, a lesson and its order attribute', () => {
  const raw = { title: 'A', prix: 'douze', leçons: [{ title: 'x' }] };
  assert.equal(valuePath('/courses/course[3]', raw, 'price'), '/courses/course[3]/prix');
  assert.equal(valuePath('/courses/course[3]', raw, 'lessons[1].order'), '/courses/course[3]/leçons/*[1]/@order');
});

test('each reader gives its rows their path: JSON (array or wrapped, UTF-16 too), YAML, XML', async () => {
  const paths = async (name: string, content: string | Buffer, format: 'json' | 'yaml' | 'xml') =>
    (await collect(readRows(format, writeFile(dir, name, content), LIMITS))).map((r) => r.path);
  assert.deepEqual(await paths('a.json', '[{"title":"A"},{"title":"B"}]', 'json'), ['/0', '/1']);
  assert.deepEqual(await paths('w.json', '\uFEFF {"$schema":"x","courses":[{"title":"A"},{"title":"B"}]}', 'json'), ['/courses/0', '/courses/1']);
  assert.deepEqual(await paths('u.json', Buffer.from('\uFEFF{"courses":[{"title":"A"}]}', 'utf16le'), 'json'), ['/courses/0']);
  assert.deepEqual(await paths('a.yaml', '- title: A\n- title: B\n', 'yaml'), ['/0', '/1']);
  assert.deepEqual(await paths('w.yaml', 'courses:\n  - title: A\n', 'yaml'), ['/courses/0']);
  assert.deepEqual(await paths('f.yaml', '{courses: [{title: A}]}', 'yaml'), ['/courses/0']);
  assert.deepEqual(await paths('a.xml', '<courses><course><title>A</title></course><course><title>B</title></course></courses>', 'xml'), ['/courses/course[1]', '/courses/course[2]']);
});

test('a row error of the third course of a wrapped JSON file points at its value', async () => {
  const rows = await collect(readRows('json', writeFile(dir, 'err.json', '{"courses":[{"title":"A","price":0},{"title":"B","price":0},{"title":"C","prix":"douze"}]}'), LIMITS));
  const row = rows[2]!;
  const r = normalizeCourse(row.raw);
  assert.ok(!r.ok);
  assert.deepEqual(r.errors.map((e) => valuePath(row.path!, row.raw, e.field)), ['/courses/2/prix']);
});

test('withValuePaths adds the path to each error of a row that has one, and leaves other rows alone', () => {
  const errors: RowError[] = [
    { field: 'price', message: 'price: x', code: 'not_a_number', params: { value: "'x'" } },
    { field: '*', message: 'row', code: 'too_many_values', params: { actual: 3, expected: 2 } },
  ];
  assert.deepEqual(withValuePaths({ path: '/courses/course[2]' }, { prix: 'x' }, errors).map((e) => e.path), ['/courses/course[2]/prix', '/courses/course[2]']);
  assert.equal(withValuePaths({}, { prix: 'x' }, errors), errors);
  assert.equal(errors[0]!.path, undefined);
});

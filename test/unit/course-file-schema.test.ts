// The published JSON Schema of the course format: generated from the zod schema, committed, and valid for what
// the importer accepts. Validated with Ajv (2020-12 dialect), as editors do.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { courseFileJsonSchemaText, courseFileSchema } from '../../src/domain/course-file-schema';
import { schemaFile } from '../../src/cli/write-schemas';
import { sampleCourses, TEMPLATE_KINDS } from '../../src/domain/templates';
import { COURSE_FIELDS } from '../../src/domain/fields';

const committed = readFileSync(schemaFile, 'utf8');
const validate = new Ajv2020({ allErrors: true, strict: false }).compile(JSON.parse(committed));

test('public/schemas/course.schema.json is what the zod schema generates (run `npm run schemas` after a change)', () => {
  assert.equal(committed, courseFileJsonSchemaText());
});

test('the schema is JSON Schema 2020-12 and names every course field', () => {
  const schema = JSON.parse(committed) as { $schema: string; $defs: { course: { properties: Record<string, unknown>; required: string[] } } };
  assert.equal(schema.$schema, 'https://json-schema.org/draft/2020-12/schema');
  assert.deepEqual(Object.keys(schema.$defs.course.properties).sort(), [...COURSE_FIELDS].sort());
  assert.deepEqual(schema.$defs.course.required, ['title']);
});

test('every template validates, as an array and as {"$schema", "courses"}', () => {
  for (const kind of TEMPLATE_KINDS) {
    const rows = sampleCourses(kind);
    assert.ok(validate(rows), `${kind}: ${JSON.stringify(validate.errors)}`);
    assert.ok(validate({ $schema: 'http://127.0.0.1:8000/schemas/course.schema.json', courses: rows }), JSON.stringify(validate.errors));
    assert.ok(courseFileSchema.safeParse(rows).success);
  }
});

test('lenient values pass, wrong types fail with the JSON Pointer of the value', () => {
  assert.ok(validate([{ title: 'A', price: '49,99 €', duration: '1h30', is_free: 'non', difficulty: 'débutant', lessons: 'Intro;Setup', tags: 'a,b', prix: 3 }]));
  assert.equal(validate({ courses: [{ title: 'A' }, { title: 'B' }, { title: 'C', price: [1] }] }), false);
  assert.ok(validate.errors!.some((e) => e.instancePath === '/courses/2/price'), JSON.stringify(validate.errors));
  assert.equal(validate([{ price: 1 }]), false);
  assert.ok(validate.errors!.some((e) => e.instancePath === '/0' && e.message?.includes('title')), JSON.stringify(validate.errors));
  assert.equal(validate([{ title: 'A', lessons: [{ content: 'no title' }] }]), false);
  assert.equal(validate([]), false);
});

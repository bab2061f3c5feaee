// public/schemas/courses.xsd is written by hand (XML Schema has no generator here): it is held to the code. Every
// course field and French alias is an element of <course>, and everything the XML writer emits is declared.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SaxesParser } from 'saxes';
import { COURSE_FIELDS, FIELD_ALIASES } from '../../src/domain/fields';
import { toXml } from '../../src/domain/course-writers';
import { sampleCourses, TEMPLATE_KINDS } from '../../src/domain/templates';

const xsd = readFileSync(fileURLToPath(new URL('../../public/schemas/courses.xsd', import.meta.url)), 'utf8');

/** Element names declared inside each named complex type ('' for the top level and the anonymous type of <courses>). */
function declared(): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>([['', new Set()]]);
  const parser = new SaxesParser();
  let type = '';
  parser.on('opentag', (tag) => {
    const name = String(tag.attributes.name ?? '');
    if (tag.name === 'xs:complexType' && name) out.set((type = name), new Set());
    if (tag.name === 'xs:element') out.get(type)!.add(name);
  });
  parser.write(xsd).close();
  return out;
}

test('the XSD is well-formed and declares <courses> of <course>', () => {
  const d = declared();
  assert.ok(d.get('')!.has('courses'));
  assert.ok(d.get('')!.has('course'));
});

test('every course field and every French alias is an element of <course>', () => {
  const course = declared().get('Course')!;
  for (const name of [...COURSE_FIELDS, ...Object.keys(FIELD_ALIASES)]) assert.ok(course.has(name), `<${name}> in the XSD's Course`);
});

test('every element the XML writer emits for the templates is declared where it appears', () => {
  const d = declared();
  for (const kind of TEMPLATE_KINDS) {
    const parser = new SaxesParser();
    const stack: string[] = [];
    parser.on('opentag', (tag) => {
      const parent = stack.at(-1);
      const scope = parent === undefined ? '' : parent === 'courses' ? '' : parent === 'course' ? 'Course' : parent === 'lessons' ? 'Lessons' : parent === 'lesson' ? 'Lesson' : parent === 'tags' ? 'Tags' : '?';
      assert.ok(d.get(scope)?.has(tag.name), `${kind}: <${tag.name}> under <${parent ?? ''}>`);
      stack.push(tag.name);
    });
    parser.on('closetag', () => stack.pop());
    parser.write(toXml(sampleCourses(kind))).close();
  }
});

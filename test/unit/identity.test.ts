import { test } from 'node:test';
import assert from 'node:assert/strict';
import { foldTitle, naturalKey } from '../../src/domain/identity';
import { createHash } from 'node:crypto';
import { changedFields, courseContentHash, normalizeCourse } from '../../src/domain/normalize';
import { canonicalHashedText, hashedText } from '../../src/domain/content-hash';
import { generateCourses } from '../support/generate';
import type { NormalizedCourse } from '../../src/domain/types';

test('natural key from external_id, trimmed', () => {
  assert.equal(naturalKey('  ABC-123 ', 'Python Basics'), 'ext:ABC-123');
});

test('natural key from the folded title when there is no external_id', () => {
  assert.equal(naturalKey(null, 'Python Basics'), 'title:python basics');
  assert.equal(naturalKey('   ', 'Python Basics'), 'title:python basics');
  assert.equal(naturalKey(null, '  Python — BASICS!!  '), 'title:python basics');
  assert.equal(naturalKey(null, "L'Été des Œuvres : débutant"), 'title:l ete des oeuvres debutant');
});

test('"+" and "#" are kept so C, C++ and C# are different courses', () => {
  assert.equal(foldTitle('C++ Basics'), 'c++ basics');
  assert.equal(foldTitle('C# Basics'), 'c# basics');
  assert.notEqual(foldTitle('C Basics'), foldTitle('C++ Basics'));
});

const course: NormalizedCourse = {
  external_id: null,
  title: 'Python Basics',
  description: 'Introduction au Python',
  category: 'Programmation',
  instructor: 'Jean Dupont',
  duration_hours: 10,
  difficulty: 'beginner',
  learning_mode: 'text',
  price: 0,
  is_free: true,
  lessons: [{ title: 'Intro', content: null, order: 1, video_url: null }],
  tags: ['python', 'beginner'],
  quality_score: 43,
  natural_key: 'title:python basics',
};

test('content hash: stable sha256 hex, independent of key order, sensitive to content', () => {
  const h = courseContentHash(course);
  assert.match(h, /^[0-9a-f]{64}$/);
  const reordered = Object.fromEntries(Object.entries(course).reverse()) as unknown as NormalizedCourse;
  assert.equal(courseContentHash(reordered), h);
  assert.notEqual(courseContentHash({ ...course, price: 1 }), h);
  assert.notEqual(courseContentHash({ ...course, lessons: [{ ...course.lessons[0]!, title: 'Intro 2' }] }), h);
  assert.notEqual(courseContentHash({ ...course, tags: ['beginner', 'python'] }), h);
  // The key is the identity, not content.
  assert.equal(courseContentHash({ ...course, natural_key: 'ext:1' }), h);
});

test('changedFields lists the fields that differ, with before and after', () => {
  const before = { ...course, price: '0.00', duration_hours: '10', lessons: [{ id: 7, course_id: 3, title: 'Intro', content: null, order: 1, video_url: null }] };
  assert.deepEqual(changedFields(before, course), []);
  const after: NormalizedCourse = { ...course, title: 'Python Basics 2', price: 10, is_free: false, lessons: [] };
  assert.deepEqual(changedFields(course, after).map((c) => c.field), ['title', 'price', 'is_free', 'lessons']);
  assert.deepEqual(changedFields(course, after)[0], { field: 'title', before: 'Python Basics', after: 'Python Basics 2' });
});

test('changedFields: a missing field is null, a missing list is empty', () => {
  const { category: _c, tags: _t, ...partial } = course;
  const changes = changedFields(partial, { ...course, tags: [] });
  assert.deepEqual(changes, [{ field: 'category', before: null, after: 'Programmation' }]);
});

test('hash and changedFields agree', () => {
  const variants: NormalizedCourse[] = [course, { ...course, description: 'x' }, { ...course, quality_score: 50 }, { ...course, external_id: 'A' }];
  for (const a of variants) {
    for (const b of variants) {
      assert.equal(courseContentHash(a) === courseContentHash(b), changedFields(a, b).length === 0);
    }
  }
});

test('the content hash is sha256 of the canonical JSON of the compared fields, so hashes stored earlier stay valid', () => {
  let checked = 0;
  for (const generated of generateCourses(300, 11)) {
    const result = normalizeCourse(generated as unknown as Record<string, unknown>);
    if (!result.ok) continue;
    const course: NormalizedCourse = { ...result.course, external_id: checked % 3 === 0 ? null : result.course.external_id };
    assert.equal(hashedText(course), canonicalHashedText(course));
    assert.equal(courseContentHash(course), createHash('sha256').update(canonicalHashedText(course)).digest('hex'));
    checked++;
  }
  assert.ok(checked > 250, `${checked} generated courses normalised`);
});

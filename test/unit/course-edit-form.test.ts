// The course form read as an import's source row (src/courses/edit.ts): lessons from parallel lists with removals,
// bounds on what a body can hold, and the import's own rules and warnings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FORM_LESSON_ROWS_MAX, FORM_VALUE_MAX, formAsSourceRow, formValuesOf, normalizeForm } from '../../src/courses/edit';

const base = {
  title: 'Cours', description: 'Une description', category: 'Cat', instructor: 'Jean', duration: '1:30', difficulty: 'débutant',
  learning_mode: 'video', price: '49,90', tags: 'a, b', external_id: '', version: '123',
};

test('lessons come from parallel lists; ticked rows are removed; orders reorder them', () => {
  const v = formValuesOf({ ...base, lesson_title: ['Un', 'Deux', 'Trois', ''], lesson_content: ['', 'c2', '', ''], lesson_order: ['1', '2', '0', '4'], lesson_video_url: ['', '', '', ''], lesson_remove: '1' });
  assert.equal(v.is_free, false, 'an unticked checkbox is false');
  assert.equal(v.is_active, false);
  assert.deepEqual(v.lessons.map((l) => l.remove), [false, true, false, false]);
  const r = normalizeForm(v);
  assert.ok(r.ok);
  assert.deepEqual(r.write.course.lessons.map((l) => [l.title, l.order]), [['Trois', 1], ['Un', 2]]);
  assert.equal(r.write.course.duration_hours, 1.5);
  assert.equal(r.write.course.difficulty, 'beginner');
  assert.equal(r.write.course.price, 49.9);
  // Interpreted values are the import's warnings.
  assert.ok(r.warnings.some((w) => w.field === 'duration'), JSON.stringify(r.warnings));
});

test("the import's rules: not free at price 0 is an error on is_free; ticked free with a price too", () => {
  const notFree = normalizeForm(formValuesOf({ ...base, price: '0' }));
  assert.ok(!notFree.ok);
  assert.deepEqual(notFree.errors.map((e) => e.field), ['is_free']);
  const free = normalizeForm(formValuesOf({ ...base, is_free: 'true', price: '10' }));
  assert.ok(!free.ok);
  assert.deepEqual(free.errors.map((e) => e.field), ['is_free']);
  const missing = normalizeForm(formValuesOf({ ...base, title: '   ' }));
  assert.ok(!missing.ok && missing.errors.some((e) => e.field === 'title'));
});

test('a body is bounded: values cut, lesson rows capped', () => {
  const v = formValuesOf({ ...base, description: 'x'.repeat(FORM_VALUE_MAX + 10), lesson_title: Array.from({ length: FORM_LESSON_ROWS_MAX + 50 }, (_, i) => `L${i}`) });
  assert.equal(v.description.length, FORM_VALUE_MAX);
  assert.equal(v.lessons.length, FORM_LESSON_ROWS_MAX);
  assert.equal((formAsSourceRow(v).lessons as unknown[]).length, FORM_LESSON_ROWS_MAX);
});

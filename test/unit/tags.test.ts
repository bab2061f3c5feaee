import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildTags, generatedTags, parseUserTags, slugify, titleKeywords } from '../../src/domain/tags';

test('CSV tags split on "," or ";", trimmed, lower-cased, spaces collapsed, de-duplicated', () => {
  assert.deepEqual(parseUserTags(' Python , Django;  Machine   Learning ,python,,').tags, ['python', 'django', 'machine learning']);
  assert.deepEqual(parseUserTags(['Python', '#Web', 'DÉBUTANT', 'debutant']).tags, ['python', 'web', 'débutant']);
});

test('tags over 50 characters are errors; beyond 30 tags the rest are dropped with a warning', () => {
  const long = parseUserTags(['ok', 'x'.repeat(51)]);
  assert.equal(long.errors[0]?.field, 'tags');
  assert.match(long.errors[0]!.message, /51 characters long; a tag has at most 50/);
  const many = parseUserTags(Array.from({ length: 35 }, (_, i) => `tag${i}`));
  assert.equal(many.tags.length, 30);
  assert.equal(many.tags[29], 'tag29');
  assert.match(many.warnings[0]!.message, /35 tags; only the first 30 were kept/);
});

test('non-text tags are refused', () => {
  assert.equal(parseUserTags([{ name: 'x' }]).errors.length, 1);
  assert.equal(parseUserTags(12).errors.length, 1);
});

test('slugify keeps accents and joins words with "-"', () => {
  assert.equal(slugify('Web Development'), 'web-development');
  assert.equal(slugify('  Développement  Web & Mobile '), 'développement-web-mobile');
});

test('title keywords: lower-case, accents kept, stop words and short words removed, at most 3', () => {
  assert.deepEqual(titleKeywords('Python Basics'), ['python', 'basics']);
  assert.deepEqual(titleKeywords('Introduction à la Programmation Orientée Objet en Java'), ['programmation', 'orientée', 'objet']);
  assert.deepEqual(titleKeywords('The Complete Guide to C++ and Go'), []);
  assert.deepEqual(titleKeywords('Les bases de données'), ['bases', 'données']);
});

test('generated tags: category slug, difficulty, title keywords — after the user tags, no duplicates', () => {
  assert.deepEqual(generatedTags({ title: 'Django Advanced', category: 'Web Development', difficulty: 'advanced' }), ['web-development', 'advanced', 'django', 'advanced']);
  assert.deepEqual(
    buildTags(['django', 'python', 'advanced'], { title: 'Django Advanced', category: 'Web Development', difficulty: 'advanced' }),
    ['django', 'python', 'advanced', 'web-development'],
  );
  assert.deepEqual(buildTags([], { title: 'Cours de cuisine', category: null, difficulty: 'all_levels' }), ['all_levels', 'cuisine']);
});

test('the total never exceeds 30 tags, user tags first', () => {
  const user = Array.from({ length: 30 }, (_, i) => `t${i}`);
  const tags = buildTags(user, { title: 'Python', category: 'Programmation', difficulty: 'beginner' });
  assert.equal(tags.length, 30);
  assert.deepEqual(tags, user);
});

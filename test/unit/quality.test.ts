import { test } from 'node:test';
import assert from 'node:assert/strict';
import { qualityScore, QUALITY_SCORE_MARKDOWN, type QualityInput } from '../../src/domain/quality';

const empty: QualityInput = { description: '', lessons: [], instructor: null, category: null, duration_hours: null, userTagCount: 0 };

test('an empty course scores 0 and a complete one 100', () => {
  assert.equal(qualityScore(empty), 0);
  const full: QualityInput = {
    description: 'd'.repeat(500),
    lessons: Array.from({ length: 10 }, () => ({ content: 'c', video_url: 'https://example.com/v' })),
    instructor: 'Jean',
    category: 'Prog',
    duration_hours: 10,
    userTagCount: 3,
  };
  assert.equal(qualityScore(full), 100);
});

test('each criterion adds its documented points', () => {
  assert.equal(qualityScore({ ...empty, description: 'd'.repeat(49) }), 5);
  assert.equal(qualityScore({ ...empty, description: 'd'.repeat(50) }), 10);
  assert.equal(qualityScore({ ...empty, description: 'd'.repeat(200) }), 20);
  assert.equal(qualityScore({ ...empty, description: 'd'.repeat(500) }), 25);
  const lessons = (n: number, content = 0, video = 0) =>
    Array.from({ length: n }, (_, i) => ({ content: i < content ? 'c' : null, video_url: i < video ? 'https://v' : null }));
  assert.equal(qualityScore({ ...empty, lessons: lessons(1) }), 5);
  assert.equal(qualityScore({ ...empty, lessons: lessons(3) }), 10);
  assert.equal(qualityScore({ ...empty, lessons: lessons(5) }), 15);
  assert.equal(qualityScore({ ...empty, lessons: lessons(10) }), 20);
  assert.equal(qualityScore({ ...empty, lessons: lessons(4, 2) }), 18); // 10 + 15 × 2/4 = 17.5, rounded up
  assert.equal(qualityScore({ ...empty, lessons: lessons(4, 0, 1) }), 13); // 10 + 2.5 → 12.5 rounds to 13
  assert.equal(qualityScore({ ...empty, instructor: 'x' }), 10);
  assert.equal(qualityScore({ ...empty, category: 'x' }), 10);
  assert.equal(qualityScore({ ...empty, duration_hours: 0 }), 0);
  assert.equal(qualityScore({ ...empty, duration_hours: 2 }), 5);
  assert.equal(qualityScore({ ...empty, userTagCount: 1 }), 3);
  assert.equal(qualityScore({ ...empty, userTagCount: 3 }), 5);
});

test('the score is deterministic and always an integer in 0..100', () => {
  const input: QualityInput = { description: 'abc', lessons: [{ content: 'x', video_url: null }, { content: null, video_url: null }, { content: null, video_url: 'https://v' }], instructor: 'i', category: null, duration_hours: 3, userTagCount: 2 };
  const first = qualityScore(input);
  for (let i = 0; i < 5; i++) assert.equal(qualityScore(structuredClone(input)), first);
  assert.ok(Number.isInteger(first) && first >= 0 && first <= 100);
});

test('the formula is published as markdown', () => {
  assert.match(QUALITY_SCORE_MARKDOWN, /\| description \| 25 \|/);
});

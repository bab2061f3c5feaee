import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_LESSONS, normalizeLessons } from '../../src/domain/lessons';

const titles = (raw: unknown) => {
  const r = normalizeLessons(raw);
  assert.deepEqual(r.errors, []);
  return r.lessons.map((l) => `${l.order}:${l.title}`);
};

test('a CSV cell is split on ";" into ordered lessons without content or video', () => {
  const r = normalizeLessons('Intro;Variables;Functions');
  assert.deepEqual(r.lessons, [
    { title: 'Intro', content: null, order: 1, video_url: null },
    { title: 'Variables', content: null, order: 2, video_url: null },
    { title: 'Functions', content: null, order: 3, video_url: null },
  ]);
});

test('"|" and line breaks also separate lessons; empty items and spaces are dropped', () => {
  assert.deepEqual(titles(' Intro | Variables |  | Functions '), ['1:Intro', '2:Variables', '3:Functions']);
  assert.deepEqual(titles('Intro\nVariables\r\nFunctions;;'), ['1:Intro', '2:Variables', '3:Functions']);
});

test('a JSON array of strings, and a JSON array written in a CSV cell', () => {
  assert.deepEqual(titles(['Intro', 'Variables']), ['1:Intro', '2:Variables']);
  assert.deepEqual(titles('[{"title":"B","order":2},{"title":"A","order":1}]'), ['1:A', '2:B']);
});

test('lesson objects are sorted by order (stable, missing orders last) and renumbered 1..n', () => {
  const r = normalizeLessons([
    { title: 'Third', order: 30 },
    { title: 'No order 1' },
    { title: 'First', order: 10 },
    { title: 'Second (same order as First, after it)', order: '10' },
    { title: 'No order 2' },
  ]);
  assert.deepEqual(r.lessons.map((l) => [l.order, l.title]), [
    [1, 'First'],
    [2, 'Second (same order as First, after it)'],
    [3, 'Third'],
    [4, 'No order 1'],
    [5, 'No order 2'],
  ]);
});

test('lesson content is cleaned like a description and video_url kept when http(s)', () => {
  const r = normalizeLessons([{ title: ' <b>Models</b>  avancés ', content: '<p>Relations</p>  complexes &amp; co', order: 1, video_url: ' https://example.com/v1 ' }]);
  assert.deepEqual(r.lessons, [{ title: 'Models avancés', content: 'Relations\ncomplexes & co', order: 1, video_url: 'https://example.com/v1' }]);
});

test('French keys of a lesson object are accepted', () => {
  const r = normalizeLessons([{ titre: 'Intro', contenu: 'Texte', ordre: 1, video: 'http://example.com/x' }]);
  assert.deepEqual(r.lessons, [{ title: 'Intro', content: 'Texte', order: 1, video_url: 'http://example.com/x' }]);
});

test('duplicate titles (case, accents, spacing) are dropped, the first kept, with a warning', () => {
  const r = normalizeLessons('Intro;Variables; intro ;VARIABLES;Fonctions;fonctions');
  assert.deepEqual(r.lessons.map((l) => l.title), ['Intro', 'Variables', 'Fonctions']);
  assert.equal(r.warnings.length, 3);
  assert.match(r.warnings[0]!.message, /lessons\[3\]: duplicate lesson 'intro' was dropped/);
  // "+" and "#" matter: these are three different lessons.
  assert.deepEqual(titles('C;C++;C#'), ['1:C', '2:C++', '3:C#']);
});

test('a lesson without a title is dropped (a warning if it had content)', () => {
  const r = normalizeLessons([{ title: '', content: 'orphan' }, { title: 'Kept' }]);
  assert.deepEqual(r.lessons.map((l) => l.title), ['Kept']);
  assert.equal(r.warnings[0]?.field, 'lessons[1].title');
});

test('a non-http video_url is a row error naming the lesson', () => {
  const r = normalizeLessons([{ title: 'A', video_url: 'ftp://example.com/v' }, { title: 'B', video_url: 'javascript:alert(1)' }, { title: 'C', video_url: 'not a url' }]);
  assert.deepEqual(r.errors.map((e) => e.field), ['lessons[1].video_url', 'lessons[2].video_url', 'lessons[3].video_url']);
  assert.equal(r.errors[0]!.message, "lessons[1].video_url: 'ftp://example.com/v' is not an http(s) URL");
});

test('bad order and bad items are errors with their position', () => {
  const r = normalizeLessons([{ title: 'A', order: 'first' }, 42, true]);
  assert.deepEqual(r.errors.map((e) => e.field), ['lessons[1].order', 'lessons[3]']);
});

test('bounds: lesson count and lesson title length', () => {
  const many = Array.from({ length: MAX_LESSONS + 1 }, (_, i) => `Lesson ${i + 1}`);
  const r = normalizeLessons(many);
  assert.equal(r.errors[0]?.message, `lessons: ${MAX_LESSONS + 1} lessons; at most ${MAX_LESSONS} per course`);
  assert.equal(normalizeLessons(many.slice(0, MAX_LESSONS)).lessons.length, MAX_LESSONS);
  const long = normalizeLessons([{ title: 'x'.repeat(201) }]);
  assert.equal(long.errors[0]?.field, 'lessons[1].title');
  assert.equal(normalizeLessons([{ title: 'x'.repeat(200) }]).errors.length, 0);
});

test('long content is cut with a warning', () => {
  const r = normalizeLessons([{ title: 'A', content: 'word '.repeat(5000) }]);
  assert.equal(r.errors.length, 0);
  assert.ok(Array.from(r.lessons[0]!.content!).length <= 20_000);
  assert.match(r.warnings[0]!.message, /cut to 20000/);
});

test('missing lessons give an empty list; a wrong type is an error', () => {
  assert.deepEqual(normalizeLessons(undefined).lessons, []);
  assert.deepEqual(normalizeLessons('').lessons, []);
  assert.equal(normalizeLessons({ title: 'not a list' }).errors[0]?.field, 'lessons');
});

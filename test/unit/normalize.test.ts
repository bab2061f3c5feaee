import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeCourse } from '../../src/domain/normalize';
import { normalizedCourseSchema } from '../../src/domain/course-schema';
import { FIELD_COUNT_KEY, NOT_AN_OBJECT_KEY } from '../../src/domain/source-marks';
import type { NormalizedCourse, RowError } from '../../src/domain/types';
import { courseRawRow, generateCourses } from '../support/generate';

function course(raw: Record<string, unknown>): NormalizedCourse {
  const r = normalizeCourse(raw);
  assert.ok(r.ok, `expected the row to normalise, got ${JSON.stringify(!r.ok && r.errors)}`);
  return r.course;
}
function errors(raw: Record<string, unknown>): RowError[] {
  const r = normalizeCourse(raw);
  assert.equal(r.ok, false, 'expected the row to fail');
  return r.ok ? [] : r.errors;
}

const seedCsvRow = {
  title: 'Python Basics', description: 'Introduction au Python', category: 'Programmation', instructor: 'Jean Dupont',
  duration: '10', difficulty: 'beginner', learning_mode: 'text', price: '0', is_free: 'true',
  lessons: 'Intro;Variables;Functions', tags: 'python,beginner',
};

test('the seed CSV row normalises to the expected course', () => {
  assert.deepEqual(course(seedCsvRow), {
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
    lessons: [
      { title: 'Intro', content: null, order: 1, video_url: null },
      { title: 'Variables', content: null, order: 2, video_url: null },
      { title: 'Functions', content: null, order: 3, video_url: null },
    ],
    tags: ['python', 'beginner', 'programmation', 'basics'],
    quality_score: 43,
    natural_key: 'title:python basics',
  });
});

test('column names match case-insensitively after trimming, French aliases included; unknown columns are ignored', () => {
  const c = course({
    ' TITRE ': 'Cours de cuisine', 'Description': 'Recettes', 'Catégorie': 'Cuisine', 'Formateur': 'Paul',
    'Durée': '2,5', 'Niveau': 'Débutant', 'Learning Mode': 'Vidéo', 'Prix': '19,90 €', 'Gratuit': 'non',
    'Leçons': 'Entrées;Plats', 'Tags': 'cuisine', 'Colonne inconnue': 'ignored', 'id_externe': ' CUI-01 ',
  });
  assert.equal(c.title, 'Cours de cuisine');
  assert.equal(c.category, 'Cuisine');
  assert.equal(c.instructor, 'Paul');
  assert.equal(c.duration_hours, 2.5);
  assert.equal(c.difficulty, 'beginner');
  assert.equal(c.learning_mode, 'video');
  assert.equal(c.price, 19.9);
  assert.equal(c.is_free, false);
  assert.equal(c.lessons.length, 2);
  assert.equal(c.external_id, 'CUI-01');
  assert.equal(c.natural_key, 'ext:CUI-01');
  assert.ok(!('Colonne inconnue' in c));
});

test('defaults: difficulty all_levels, learning_mode text, optional fields null or empty', () => {
  const c = course({ title: 'Minimal', price: 0 });
  assert.equal(c.difficulty, 'all_levels');
  assert.equal(c.learning_mode, 'text');
  assert.equal(c.description, '');
  assert.equal(c.category, null);
  assert.equal(c.instructor, null);
  assert.equal(c.duration_hours, null);
  assert.deepEqual(c.lessons, []);
  assert.deepEqual(c.tags, ['all_levels', 'minimal']);
  assert.equal(c.is_free, true);
});

test('native JSON values and exceljs cell values are accepted', () => {
  const c = course({
    title: { richText: [{ text: 'Excel ' }, { text: 'Avancé' }] },
    description: { formula: 'CONCAT(A1)', result: 'Tableaux croisés' },
    instructor: { text: 'Anne', hyperlink: 'mailto:anne@example.com' },
    duration: { formula: 'B2*2', result: 12 },
    difficulty: 'advanced',
    price: 49.5,
    is_free: false,
    external_id: 1234,
  });
  assert.equal(c.title, 'Excel Avancé');
  assert.equal(c.description, 'Tableaux croisés');
  assert.equal(c.instructor, 'Anne');
  assert.equal(c.duration_hours, 12);
  assert.equal(c.external_id, '1234');
});

test('title and description are cleaned of HTML and control characters', () => {
  const c = course({ title: '  <h1>Python&nbsp;&amp; Django</h1>\u0007 ', description: '<p>Line one</p>\n\n\n<p>Line   two</p><script>x()</script>', price: 0 });
  assert.equal(c.title, 'Python & Django');
  assert.equal(c.description, 'Line one\n\nLine two');
});

test('length bounds: title ≤ 200 (error), description cut at 5000 (warning), category / instructor ≤ 100 (error)', () => {
  assert.equal(course({ title: 't'.repeat(200), price: 0 }).title.length, 200);
  const long = errors({ title: 't'.repeat(201), price: 0 });
  assert.deepEqual(long, [{ field: 'title', code: 'too_long', params: { length: 201, max: 200 }, message: 'title: 201 characters; at most 200' }]);

  const r = normalizeCourse({ title: 'T', description: 'word '.repeat(2000), price: 0 });
  assert.ok(r.ok);
  assert.ok(Array.from(r.course.description).length <= 5000);
  assert.ok(r.course.description.endsWith('…'));
  assert.deepEqual(r.warnings.map((w) => w.field), ['description']);

  const names = errors({ title: 'T', category: 'c'.repeat(101), instructor: 'i'.repeat(101), price: 0 });
  assert.deepEqual(names.map((e) => e.field), ['category', 'instructor']);
});

test('a missing or blank title is an error', () => {
  assert.deepEqual(errors({ price: 0 }), [{ field: 'title', code: 'title_missing', params: {}, message: 'title: missing; every course needs a title' }]);
  assert.equal(errors({ title: '   ', price: 0 })[0]?.field, 'title');
  assert.match(errors({ title: '<b></b>', price: 0 })[0]!.message, /no text left/);
});

test('is_free and price agree, or the row fails', () => {
  assert.deepEqual(
    { price: course({ title: 'A', price: '0' }).price, free: course({ title: 'A', price: '0' }).is_free },
    { price: 0, free: true },
  );
  assert.equal(course({ title: 'A', price: '49,99' }).is_free, false);
  assert.deepEqual([course({ title: 'A', is_free: 'oui' }).price, course({ title: 'A', is_free: 'oui' }).is_free], [0, true]);
  assert.deepEqual(course({ title: 'A', price: '', is_free: 'yes' }).price, 0);

  const freeButPriced = errors({ title: 'A', price: '49.99', is_free: 'true' });
  assert.equal(freeButPriced[0]?.field, 'is_free');
  assert.match(freeButPriced[0]!.message, /is true but the price is 49\.99/);

  assert.equal(errors({ title: 'A', price: '0', is_free: 'false' })[0]?.field, 'is_free');
  assert.deepEqual(errors({ title: 'A', is_free: 'non' }), [{ field: 'price', code: 'price_missing_not_free', params: {}, message: 'price: missing; a course that is not free needs a price' }]);
  assert.deepEqual(errors({ title: 'A' }), [{ field: 'price', code: 'price_missing', params: {}, message: 'price: missing; give a price (0 for a free course) or set is_free to true' }]);
});

test('every problem of a row is reported, each with its field and a human message', () => {
  const errs = errors({
    title: '',
    difficulty: 'expertissime',
    learning_mode: 'podcast',
    duration: '-3',
    price: 'abc',
    is_free: 'peut-être',
    lessons: [{ title: 'A', video_url: 'ftp://x' }],
    tags: ['ok', 'x'.repeat(60)],
  });
  assert.deepEqual(errs.map((e) => e.field), ['title', 'duration', 'difficulty', 'learning_mode', 'price', 'is_free', 'lessons[1].video_url', 'tags']);
  const byField = Object.fromEntries(errs.map((e) => [e.field, e.message]));
  assert.equal(byField.difficulty, "difficulty: 'expertissime' is not a known level; use beginner, intermediate, advanced or all_levels");
  assert.equal(byField.learning_mode, "learning_mode: 'podcast' is not a known learning mode; use text, video, practice or mixed");
  assert.match(byField.price!, /^price: 'abc' is not a number$/);
});

test('messages name the source column when it is not the field name', () => {
  const errs = errors({ Titre: 'A', Niveau: 'expertissime', price: 0 });
  assert.equal(errs[0]?.field, 'difficulty');
  assert.match(errs[0]!.message, /^difficulty \(column 'Niveau'\): 'expertissime'/);
});

test('reader marks: too many CSV fields is an error, too few a warning, a non-object JSON element an error', () => {
  const more = errors({ title: 'A', price: 0, [FIELD_COUNT_KEY]: { expected: 11, actual: 13 } });
  assert.deepEqual(more.map((e) => e.field), ['*']);
  assert.match(more[0]!.message, /13 values but the header has 11 columns/);

  const fewer = normalizeCourse({ title: 'A', price: 0, [FIELD_COUNT_KEY]: { expected: 11, actual: 9 } });
  assert.ok(fewer.ok);
  assert.match(fewer.warnings[0]!.message, /the missing ones were read as empty/);

  const notObject = errors({ [NOT_AN_OBJECT_KEY]: 'a string' });
  assert.equal(notObject[0]?.message, 'this element is a string, not a course object ({"title": …})');
});

test('a value of the wrong type is an error, not a crash', () => {
  const errs = errors({ title: ['a', 'b'], description: { x: 1 }, price: 0 });
  assert.deepEqual(errs.map((e) => e.field), ['title', 'description']);
  assert.match(errs[0]!.message, /expected text but got a list/);
});

test('every course normalisation accepts passes the zod schema (the rules are its only run-time check)', () => {
  const rows: Record<string, unknown>[] = [seedCsvRow, { title: 'x', price: 1 }, { title: 'y', is_free: true, lessons: ['a', 'b'], tags: 'a,b' }];
  // A generated catalogue: French and English text, every difficulty and mode, decimal prices, 3–12 lessons.
  for (const c of generateCourses(500, 7)) rows.push(courseRawRow(c));
  // Hostile cells: markup, entities, controls, emoji, limits reached, lesson objects, odd numbers and booleans.
  const long = (n: number, unit = 'é') => unit.repeat(n);
  rows.push(
    { title: '<b>Gras</b> &amp; <script>x()</script>titre', description: `<p>un</p><p>deux</p>${long(6000, 'mot ')}`, price: '1 299,50 €', is_free: 'non' },
    { title: long(200), category: long(100), instructor: long(100, '👩'), price: '0', lessons: long(30, 'leçon;') },
    { title: 'Emoji 🚀\u0007', external_id: '  EXT-1  ', price: '€49.99', tags: `#${long(50, 't')}, Déjà, deja, ${Array.from({ length: 40 }, (_, i) => `t${i}`).join(',')}` },
    { titre: 'Colonnes françaises', prix: '12,5', gratuit: 'faux', niveau: 'Débutant', mode: 'vidéo', durée: '1,5', leçons: 'Un|Deux\nTrois' },
    { title: 'Objets', price: 3, is_free: false, lessons: [{ titre: 'B', ordre: 2, url: 'https://v.example/b' }, { title: 'A', order: 1, content: '  x  ' }, { title: 'a' }, 'C'] },
    { title: 'Sans prix', is_free: true, duration: 0, difficulty: 'ALL LEVELS', learning_mode: 'Pratique', tags: '[]' },
  );
  let accepted = 0;
  for (const raw of rows) {
    const r = normalizeCourse(raw);
    if (!r.ok) continue;
    accepted++;
    const checked = normalizedCourseSchema.safeParse(r.course);
    assert.equal(checked.success, true, `${JSON.stringify(raw).slice(0, 120)}: ${JSON.stringify(!checked.success && checked.error.issues)}`);
  }
  assert.ok(accepted >= rows.length - 2, `only ${accepted} of ${rows.length} rows were accepted: the check would prove little`);
  assert.equal(normalizedCourseSchema.safeParse({ ...course(seedCsvRow), price: 5 }).success, false, 'is_free true with a price');
});

test('normalisation is pure: same input, same output; input not modified', () => {
  const raw = structuredClone(seedCsvRow);
  assert.deepEqual(normalizeCourse(raw), normalizeCourse(raw));
  assert.deepEqual(raw, seedCsvRow);
});

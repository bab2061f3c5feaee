// Column mapping profiles (issue 12): the rules applied to a raw record, and the suggestions made from a file's
// column names and values (src/domain/mapping.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  applyMapping, describeChanges, headerFieldOf, durationToHours, needsMapping, parseMappingRules, profileNameProblem, suggestMapping,
  suggestedRules, unmappedFields, type MappingRules,
} from '../../src/domain/mapping';
import { normalizeCourse } from '../../src/domain/normalize';
import { FIELD_COUNT_KEY } from '../../src/domain/source-marks';
import { readRows } from '../../src/ingest/readers';
import { DEFAULT_READER_LIMITS, FileValidationError } from '../../src/domain/types';
import { readSample } from '../../src/imports/mapping-page';
import path from 'node:path';

const marketplaceCsv = path.join(import.meta.dirname, '..', 'fixtures', 'marketplace-courses.csv');

function rules(r: Partial<MappingRules> & Pick<MappingRules, 'columns'>): MappingRules {
  const parsed = parseMappingRules(r);
  assert.ok(parsed.ok, JSON.stringify(!parsed.ok && parsed.problems));
  return parsed.rules;
}

const marketplace: MappingRules = rules({
  columns: {
    course_title: { target: 'title' },
    is_paid: { target: 'is_free', valueMap: { True: 'false', False: 'true' } },
    price: { target: 'price' },
    num_lectures: { target: null },
    level: { target: 'difficulty', valueMap: { 'All Levels': 'all_levels', 'Beginner Level': 'beginner', 'Expert Level': 'advanced' } },
    content_duration: { target: 'duration', duration: 'hours' },
    subject: { target: 'category', trimPrefix: 'Subject: ' },
    published_timestamp: { target: null },
    url: { target: 'external_id' },
    keywords: { target: 'tags', split: '|' },
  },
  constants: { instructor: 'Marketplace team' },
});

test('rename, ignore, constants, value maps, split, duration and trim prefix give a record normalisation reads', () => {
  const out = applyMapping({
    course_title: 'Learn Rust', is_paid: 'True', price: '20', num_lectures: '31', level: 'Expert Level',
    content_duration: '1.5 hours', subject: 'Subject: Web Development', published_timestamp: '2017-01-18T20:58:58Z',
    url: 'https://example.com/rust/', keywords: 'rust| systems |',
  }, marketplace);
  assert.deepEqual(out, {
    title: 'Learn Rust', is_free: 'false', price: '20', difficulty: 'advanced', duration: 1.5, category: 'Web Development',
    external_id: 'https://example.com/rust/', tags: ['rust', 'systems'], instructor: 'Marketplace team',
  });
  const course = normalizeCourse(out);
  assert.ok(course.ok);
  assert.equal(course.course.difficulty, 'advanced');
  assert.equal(course.course.duration_hours, 1.5);
  assert.equal(course.course.is_free, false);
  assert.equal(course.course.instructor, 'Marketplace team');
});

test('durations with units become hours: "1.5 hours", "45 mins", "1 hour 30 mins", "2 jours"; bare numbers in the chosen unit', () => {
  assert.equal(durationToHours('1.5 hours'), 1.5);
  assert.equal(durationToHours('45 mins'), 0.75);
  assert.equal(durationToHours('1 hour 30 mins'), 1.5);
  assert.equal(durationToHours('1,5 heures'), 1.5);
  assert.equal(durationToHours('2 jours'), 48);
  assert.equal(durationToHours('90', 'minutes'), 1.5);
  assert.equal(durationToHours('3'), 3);
  assert.equal(durationToHours('20 mins'), 0.33);
  assert.equal(durationToHours('0 questions'), undefined);
  assert.equal(durationToHours('soon'), undefined);
  assert.equal(durationToHours(''), undefined);
  const out = applyMapping({ content_duration: '45 mins' }, rules({ columns: { content_duration: { target: 'duration', duration: 'hours' } } }));
  assert.equal(out.duration, 0.75);
  // What the conversion cannot read is left as is for normalisation to read or refuse with its reason.
  const odd = applyMapping({ content_duration: '1:30' }, rules({ columns: { content_duration: { target: 'duration', duration: 'hours' } } }));
  assert.equal(odd.duration, '1:30');
});

test('a value the value map lacks is passed on as is: normalisation reads it by its own rules, with its warning', () => {
  const out = applyMapping({ course_title: 'X', level: 'Intermediate Level', is_paid: 'False' }, marketplace);
  assert.equal(out.difficulty, 'Intermediate Level');
  const course = normalizeCourse(out);
  assert.ok(course.ok);
  assert.equal(course.course.difficulty, 'intermediate');
  assert.ok(course.warnings.some((w) => w.field === 'difficulty' && /read as intermediate/.test(w.message)));
  // Matched trimmed and case-insensitively.
  assert.equal(applyMapping({ level: '  all levels ' }, marketplace).difficulty, 'all_levels');
});

test('a constant fills a blank field but never replaces a value; other columns are kept or dropped as asked', () => {
  const r = rules({ columns: { fullname: { target: 'title' }, teacher: { target: 'instructor' } }, constants: { instructor: 'Staff', category: 'LMS' } });
  assert.deepEqual(applyMapping({ fullname: 'A', teacher: 'Ada' }, r), { title: 'A', instructor: 'Ada', category: 'LMS' });
  assert.deepEqual(applyMapping({ fullname: 'A', teacher: '  ' }, r), { title: 'A', instructor: 'Staff', category: 'LMS' });
  // A column the profile does not name keeps its own name (it may still be one of ours, or warn as unknown)…
  assert.deepEqual(applyMapping({ fullname: 'A', prix: '10', extra: 'x' }, r), { title: 'A', instructor: 'Staff', category: 'LMS', prix: '10', extra: 'x' });
  // …but not when the profile already feeds that field, and not at all with otherColumns: ignore.
  assert.deepEqual(applyMapping({ fullname: 'A', titre: 'B' }, r), { title: 'A', instructor: 'Staff', category: 'LMS' });
  const strict = rules({ columns: { fullname: { target: 'title' } }, otherColumns: 'ignore' });
  assert.deepEqual(applyMapping({ fullname: 'A', extra: 'x' }, strict), { title: 'A' });
  // The readers' marks pass through untouched.
  assert.ok(FIELD_COUNT_KEY in applyMapping({ fullname: 'A', [FIELD_COUNT_KEY]: { expected: 2, found: 3 } }, strict));
});

test('two columns for one field: the first non-blank wins', () => {
  const r = rules({ columns: { name: { target: 'title' }, fullname: { target: 'title' } } });
  assert.equal(applyMapping({ name: '', fullname: 'B' }, r).title, 'B');
  assert.equal(applyMapping({ name: 'A', fullname: 'B' }, r).title, 'A');
});

test('rules from JSON are validated: unknown fields, unknown keys and oversized parts are refused with their path', () => {
  const bad = parseMappingRules({ columns: { x: { target: 'colour' } } });
  assert.equal(bad.ok, false);
  assert.match(!bad.ok ? bad.problems[0]! : '', /^columns\.x\.target: /);
  assert.equal(parseMappingRules({ columns: { x: { target: 'title', eval: 'x' } } }).ok, false);
  assert.equal(parseMappingRules({ columns: { x: { target: 'title', split: '' } } }).ok, false);
  assert.equal(parseMappingRules({ columns: Object.fromEntries(Array.from({ length: 201 }, (_, i) => [`c${i}`, { target: null }])) }).ok, false);
  assert.equal(profileNameProblem('udemy-export'), null);
  assert.notEqual(profileNameProblem('../etc'), null);
  assert.notEqual(profileNameProblem(''), null);
});

test('suggestions for a marketplace export: names, synonyms, value shapes and the transforms the samples need', () => {
  const columns = ['course_title', 'is_paid', 'price', 'num_lectures', 'level', 'content_duration', 'subject', 'published_timestamp', 'url'];
  const samples = {
    course_title: ['Ultimate Investment Banking Course', 'Complete GST Course'],
    is_paid: ['True', 'False'],
    price: ['200', '0'],
    num_lectures: ['51', '274'],
    level: ['All Levels', 'Beginner Level', 'Intermediate Level', 'Expert Level'],
    content_duration: ['1.5 hours', '45 mins'],
    subject: ['Business Finance'],
    published_timestamp: ['2017-01-18T20:58:58Z'],
    url: ['https://www.udemy.com/ultimate-investment-banking-course/'],
  };
  const byColumn = Object.fromEntries(suggestMapping(columns, samples).map((s) => [s.column, s]));
  assert.deepEqual(byColumn.course_title!.rule, { target: 'title' });
  assert.equal(byColumn.course_title!.reason, 'synonym');
  assert.deepEqual(byColumn.is_paid!.rule, { target: 'is_free', valueMap: { True: 'false', False: 'true' } });
  assert.deepEqual(byColumn.price!.rule, { target: 'price' });
  assert.equal(byColumn.price!.reason, 'name');
  assert.deepEqual(byColumn.level!.rule, {
    target: 'difficulty', valueMap: { 'Beginner Level': 'beginner', 'Intermediate Level': 'intermediate', 'Expert Level': 'advanced' },
  });
  assert.deepEqual(byColumn.content_duration!.rule, { target: 'duration', duration: 'hours' });
  assert.deepEqual(byColumn.subject!.rule, { target: 'category' });
  for (const c of ['num_lectures', 'published_timestamp', 'url']) assert.deepEqual(byColumn[c]!.rule, { target: null }, c);
  // The instructor is what the file lacks: the page offers a constant for it.
  const missing = unmappedFields(suggestedRules(columns, samples), columns);
  for (const f of ['external_id', 'description', 'instructor', 'learning_mode', 'lessons', 'tags'] as const) assert.ok(missing.includes(f), f);
  for (const f of ['title', 'is_free', 'price', 'difficulty', 'duration', 'category'] as const) assert.ok(!missing.includes(f), f);
});

test('suggestions for an LMS export, French names, and columns recognised only by their values', () => {
  const lms = suggestMapping(['fullname', 'shortname', 'summary', 'category_path'], {});
  assert.deepEqual(lms.map((s) => s.rule.target), ['title', 'external_id', 'description', 'category']);
  const fr = suggestMapping(['Intitulé', 'Résumé', 'Auteur', 'Mots-clés'], { 'Mots-clés': ['python;débutant'] });
  assert.deepEqual(fr.map((s) => s.rule.target), ['title', 'description', 'instructor', 'tags']);
  assert.equal(fr[3]!.rule.split, ';');
  const shapes = suggestMapping(['col_a', 'col_b', 'col_c'], { col_a: ['2 hours', '30 mins'], col_b: ['Débutant', 'Avancé'], col_c: ['https://x.test/'] });
  assert.deepEqual(shapes.map((s) => [s.rule.target, s.reason]), [['duration', 'values'], ['difficulty', 'values'], [null, 'none']]);
  // Our own names win over synonyms, whatever the order: "name" is not proposed as a second title.
  const both = suggestMapping(['name', 'title'], {});
  assert.deepEqual(both.map((s) => s.rule.target), [null, 'title']);
});

test('a file needs mapping when a column matches no field or no column is the title', () => {
  assert.equal(needsMapping(['title', 'prix', 'niveau']), false);
  assert.equal(needsMapping(['course_title', 'price']), true);
  assert.equal(needsMapping(['titre', 'url']), true);
});

test('the changes between two versions are described for the history', () => {
  const next = rules({ ...marketplace, columns: { ...marketplace.columns, num_lectures: { target: 'lessons' } }, constants: { instructor: 'Team' } });
  assert.deepEqual(describeChanges(null, marketplace), ['created']);
  assert.deepEqual(describeChanges(marketplace, next), ["column 'num_lectures': ignored ⇒ → lessons", "constant instructor: 'Marketplace team' ⇒ 'Team'"]);
  assert.deepEqual(describeChanges(next, next), []);
});

test('the CSV reader finds the header by the profile\'s names; without a profile the file has no title column', async () => {
  const rows = [];
  for await (const row of readRows('csv', marketplaceCsv, { ...DEFAULT_READER_LIMITS, headerField: headerFieldOf(marketplace) })) rows.push(row);
  assert.equal(rows.length, 49);
  assert.equal(rows[0]!.raw.course_title, 'Investment Banking: A Complete Course');
  await assert.rejects(async () => {
    for await (const _ of readRows('csv', marketplaceCsv, DEFAULT_READER_LIMITS)) void _;
  }, (err: unknown) => err instanceof FileValidationError && err.code === 'missing_columns');
  // The mapping page reads it anyway: its columns and first rows.
  const sample = await readSample('csv', marketplaceCsv, DEFAULT_READER_LIMITS);
  assert.deepEqual(sample.columns, ['course_title', 'is_paid', 'price', 'num_lectures', 'level', 'content_duration', 'subject', 'published_timestamp', 'url']);
  assert.equal(sample.rows.length, 20);
});

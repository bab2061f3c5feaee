// The text-file conformance fixtures (test/fixtures/conformance/t*.csv|json and the field cases f01 f04 f05 f07
// f08 f11) read by the real readers and normalised, checked against their <file>.expected.json: the domain
// half of what the integration test checks through the workflow (no service needed, so it runs in seconds).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatFromFileName, readRows } from '../../src/ingest/readers';
import { normalizeCourse } from '../../src/domain/normalize';
import { FileValidationError, type FileWarning, type NormalizedCourse } from '../../src/domain/types';
import { LIMITS } from './helpers/files';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'conformance');
const MINE = /^(t\d\d|f0[1-8]|f11)_[^.]*\.(csv|json)$/;

interface Expected {
  status: 'succeeded' | 'succeeded_with_errors' | 'failed';
  courses: Array<Record<string, unknown>>;
  fileWarnings: string[];
  rowWarnings?: Array<{ row: number; field: string }>;
  rowErrors?: Array<{ row: number; field: string }>;
  fileError?: string;
}

function field(course: NormalizedCourse, key: string): unknown {
  if (key === 'lessons') return course.lessons.map((l) => l.title);
  return (course as unknown as Record<string, unknown>)[key];
}

for (const name of readdirSync(dir).filter((f) => MINE.test(f)).sort()) {
  test(`conformance: ${name}`, async () => {
    const expected = JSON.parse(readFileSync(path.join(dir, `${name}.expected.json`), 'utf8')) as Expected;
    const warnings: FileWarning[] = [];
    const courses: NormalizedCourse[] = [];
    const rowWarnings: Array<{ row: number; field: string }> = [];
    const rowErrors: Array<{ row: number; field: string }> = [];
    let fileError: string | undefined;
    try {
      for await (const row of readRows(formatFromFileName(name), path.join(dir, name), LIMITS, (w) => warnings.push(w))) {
        const r = normalizeCourse(row.raw);
        if (r.ok) {
          courses.push(r.course);
          rowWarnings.push(...r.warnings.map((w) => ({ row: row.rowNumber, field: w.field })));
        } else {
          rowErrors.push(...r.errors.map((e) => ({ row: row.rowNumber, field: e.field })));
        }
      }
    } catch (err) {
      if (!(err instanceof FileValidationError)) throw err;
      fileError = err.code;
    }
    assert.equal(fileError, expected.fileError, `file error${fileError ? `: ${fileError}` : ''}`);
    const status = fileError !== undefined || courses.length === 0 ? 'failed' : rowErrors.length > 0 ? 'succeeded_with_errors' : 'succeeded';
    assert.equal(status, expected.status);
    for (const code of expected.fileWarnings) assert.ok(warnings.some((w) => w.code === code), `file warning ${code} in ${JSON.stringify(warnings)}`);
    assert.equal(courses.length, expected.courses.length, 'number of courses');
    expected.courses.forEach((want, i) => {
      const got = courses[i]!;
      for (const [key, value] of Object.entries(want)) {
        if (key === 'tags_include') {
          for (const tag of value as string[]) assert.ok(got.tags.includes(tag), `${want.title}: tag ${tag} in ${got.tags.join(',')}`);
        } else {
          assert.deepEqual(field(got, key), value, `${want.title}: ${key}`);
        }
      }
    });
    assert.deepEqual(new Set(rowErrors.map((e) => `${e.row}:${e.field}`)), new Set((expected.rowErrors ?? []).map((e) => `${e.row}:${e.field}`)), 'row errors');
    for (const w of expected.rowWarnings ?? []) {
      assert.ok(rowWarnings.some((g) => g.row === w.row && g.field === w.field), `row warning ${w.row}:${w.field} in ${JSON.stringify(rowWarnings)}`);
    }
    // Never a replacement character stored.
    for (const c of courses) assert.ok(!JSON.stringify(c).includes('\uFFFD'), `U+FFFD in ${c.title}`);
  });
}

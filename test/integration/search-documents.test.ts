// The index step's pages of an import's courses: each page says whether another follows, so a small file's index
// step reads once, and a course deleted since the upsert makes its page shorter without ending the import's pages.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createTestEnv, type TestEnv } from '../support/env';
import { documentsTouchedByImport } from '../../src/db/search-documents';
import { ensureCourseIndex } from '../../src/search/indexer';
import { indexPages } from '../../src/search/paged-indexing';

let t: TestEnv;

before(async () => {
  t = await createTestEnv('search_documents');
});

after(async () => {
  await t?.close();
});

/** An import whose upsert wrote `n` courses (recorded in import_courses); returns its id and the courses' ids in order. */
async function importWithCourses(n: number): Promise<{ importId: string; ids: number[] }> {
  const importId = randomUUID();
  await t.sql`INSERT INTO imports (id, workflow_id, sha256, file_name, stored_path, source, mode, dry_run, size_bytes, status)
              VALUES (${importId}, ${`import-${importId}`}, ${importId.replace(/-/g, '').padEnd(64, '0')}, 'pages.csv', '/tmp/pages.csv', 'cli', 'create_or_update', false, 100, 'processing')`;
  const ids: number[] = [];
  for (let i = 1; i <= n; i++) {
    const key = `${importId}-${i}`;
    const [course] = await t.sql<{ id: number }[]>`
      INSERT INTO courses (natural_key, external_id, title, difficulty, learning_mode, is_free, quality_score, content_hash)
      VALUES (${key}, ${key}, ${`Cours ${i}`}, 'beginner', 'text', true, 50, 'h') RETURNING id`;
    ids.push(Number(course!.id));
    await t.sql`INSERT INTO import_rows (import_id, row_number, raw, natural_key, action)
                VALUES (${importId}, ${i}, '{}', ${key}, 'create')`;
    await t.sql`INSERT INTO import_courses (import_id, row_number, course_id) VALUES (${importId}, ${i}, ${course!.id})`;
  }
  return { importId, ids };
}

const idsOf = (page: { courses: { id: number | string }[] }) => page.courses.map((c) => Number(c.id));

test('pages of an import: full pages are not the last, a shorter one is', async () => {
  const { importId, ids } = await importWithCourses(5);
  const first = await documentsTouchedByImport(t.sql, importId, 0, 2);
  assert.deepEqual(idsOf(first), ids.slice(0, 2));
  assert.equal(first.last, false);
  const third = await documentsTouchedByImport(t.sql, importId, ids[3]!, 2);
  assert.deepEqual(idsOf(third), ids.slice(4));
  assert.equal(third.last, true);
  // A small file: its one page is the last.
  const whole = await documentsTouchedByImport(t.sql, importId, 0, 500);
  assert.deepEqual(idsOf(whole), ids);
  assert.equal(whole.last, true);
  // Each document is the course as JSON.
  assert.equal(JSON.parse(whole.courses[0]!.doc).title, 'Cours 1');
});

test('a course deleted since the upsert shortens its page without making it the last', async () => {
  const { importId, ids } = await importWithCourses(4);
  await t.sql`DELETE FROM courses WHERE id = ${ids[1]!}`;
  const first = await documentsTouchedByImport(t.sql, importId, 0, 2);
  assert.deepEqual(idsOf(first), [ids[0]!]);
  assert.equal(first.last, false, 'two ids were read: another page may follow');
  const next = await documentsTouchedByImport(t.sql, importId, ids[1]!, 2);
  assert.deepEqual(idsOf(next), ids.slice(2));
});

test('indexing an import reads no page after the last: 5 courses by pages of 2 take 3 reads, 4 take 3 (the third finds none)', async () => {
  const alias = t.config.elasticsearch.alias;
  await ensureCourseIndex(t.es, alias);
  for (const n of [5, 4]) {
    const { importId, ids } = await importWithCourses(n);
    const reads: number[] = [];
    const indexed = await indexPages({
      es: t.es,
      targets: [alias],
      concurrency: 2,
      readPage: (after) => {
        reads.push(after);
        return documentsTouchedByImport(t.sql, importId, after, 2);
      },
    });
    assert.equal(indexed, n);
    assert.deepEqual(reads, [0, ids[1]!, ids[3]!]);
    await t.es.indices.refresh({ index: alias });
    const found = await t.es.count({ index: alias, query: { ids: { values: ids.map(String) } } });
    assert.equal(found.count, n);
  }
});

// A lesson always belongs to a course that exists (migration 026: the foreign key's guarantees kept by two
// statement-level triggers, so that an import's 185k lessons are checked in one query instead of one each).
// What an admin would see go wrong without them: lessons of a deleted course, or a lesson pointing nowhere.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import postgres from 'postgres';
import { createTestEnv, type TestEnv } from '../support/env';
import { createSql, type Sql } from '../../src/db/client';

let t: TestEnv;
let other: Sql;

before(async () => {
  t = await createTestEnv('lessons_integrity');
  other = createSql(t.config.databaseUrl, 2, t.config.databaseSchema);
});

after(async () => {
  await other?.end();
  await t?.close();
});

async function newCourse(sql: Sql, key: string): Promise<number> {
  const [c] = await sql<{ id: number }[]>`
    INSERT INTO courses (natural_key, title, difficulty, learning_mode, is_free, quality_score, content_hash)
    VALUES (${key}, ${`Cours ${key}`}, 'beginner', 'video', true, 50, ${key}) RETURNING id`;
  return Number(c!.id);
}

const lessonsOf = async (courseId: number) =>
  Number((await t.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM lessons WHERE course_id = ${courseId}`)[0]!.n);

/** The SQLSTATE of what `run` threw (null: it did not throw). */
async function sqlState(run: () => Promise<unknown>): Promise<string | null> {
  try {
    await run();
    return null;
  } catch (err) {
    return err instanceof postgres.PostgresError ? err.code : String(err);
  }
}

test('a lesson of a course that does not exist is refused, as a foreign key violation (23503)', async () => {
  const id = await newCourse(t.sql, 'ext:integrity-1');
  // One good row and one bad row in the same statement: the whole statement is refused.
  const state = await sqlState(() => t.sql`
    INSERT INTO lessons (course_id, position, title) VALUES (${id}, 1, 'Introduction'), (${id + 1_000_000}, 1, 'Perdue')`);
  assert.equal(state, '23503');
  assert.equal(await lessonsOf(id), 0);
  // Moving a lesson onto a missing course is refused too.
  await t.sql`INSERT INTO lessons (course_id, position, title) VALUES (${id}, 1, 'Introduction')`;
  assert.equal(await sqlState(() => t.sql`UPDATE lessons SET course_id = ${id + 1_000_000} WHERE course_id = ${id}`), '23503');
  assert.equal(await lessonsOf(id), 1);
});

test('one statement adding many lessons of several courses is accepted; one missing course among them is named', async () => {
  const ids = [await newCourse(t.sql, 'ext:integrity-many-1'), await newCourse(t.sql, 'ext:integrity-many-2'), await newCourse(t.sql, 'ext:integrity-many-3')];
  // Each course appears four times in the statement, as an import writes them (course ids repeated, not sorted).
  await t.sql`
    INSERT INTO lessons (course_id, position, title)
    SELECT c, p, 'Leçon ' || p FROM unnest(${ids}::bigint[]) c, generate_series(1, 4) p ORDER BY p, c DESC`;
  for (const id of ids) assert.equal(await lessonsOf(id), 4);
  const missing = Math.max(...ids) + 1_000_000;
  let message = '';
  const state = await sqlState(async () => {
    try {
      await t.sql`
        INSERT INTO lessons (course_id, position, title)
        SELECT c, p, 'Leçon ' || p FROM unnest(${[...ids, missing]}::bigint[]) c, generate_series(5, 8) p`;
    } catch (err) {
      message = err instanceof Error ? err.message : String(err);
      throw err;
    }
  });
  assert.equal(state, '23503');
  assert.match(message, new RegExp(`course ${missing} does not exist`));
  for (const id of ids) assert.equal(await lessonsOf(id), 4);
});

test('deleting courses deletes their lessons and no other', async () => {
  const gone = await newCourse(t.sql, 'ext:integrity-gone');
  const kept = await newCourse(t.sql, 'ext:integrity-kept');
  await t.sql`INSERT INTO lessons (course_id, position, title) VALUES (${gone}, 1, 'a'), (${gone}, 2, 'b'), (${kept}, 1, 'c')`;
  await t.sql`DELETE FROM courses WHERE id = ${gone}`;
  assert.equal(await lessonsOf(gone), 0);
  assert.equal(await lessonsOf(kept), 1);
});

test('a course deleted while another transaction adds its lessons takes them with it: no lesson is left without its course', async () => {
  const id = await newCourse(t.sql, 'ext:integrity-race');
  let deleted: Promise<unknown> | null = null;
  await other.begin(async (tx) => {
    await tx`INSERT INTO lessons (course_id, position, title) VALUES (${id}, 1, 'Écrite pendant la suppression')`;
    const [me] = await tx<{ pid: number }[]>`SELECT pg_backend_pid() AS pid`;
    // The delete waits for this transaction (its lesson locked the course, as a foreign key's check does).
    let finished = false;
    deleted = t.sql`DELETE FROM courses WHERE id = ${id}`.execute().finally(() => (finished = true));
    await waitUntilBlockedBy(me!.pid, () => finished);
  });
  await deleted;
  assert.equal(await lessonsOf(id), 0);
  const [orphans] = await t.sql<{ n: number }[]>`
    SELECT count(*)::int AS n FROM lessons l WHERE NOT EXISTS (SELECT 1 FROM courses c WHERE c.id = l.course_id)`;
  assert.equal(orphans!.n, 0);
});

/** Waits until some backend waits for a lock the backend `pid` holds: the DELETE queued behind the open transaction. */
async function waitUntilBlockedBy(pid: number, deleteFinished: () => boolean): Promise<void> {
  for (;;) {
    // Without the lock, the delete runs through at once and leaves the new lesson behind it.
    assert.equal(deleteFinished(), false, 'the delete did not wait for the transaction adding a lesson');
    const rows = await other`SELECT 1 FROM pg_stat_activity WHERE ${pid}::int = ANY(pg_blocking_pids(pid))`;
    if (rows.length > 0) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('emptying courses empties lessons', async () => {
  const id = await newCourse(t.sql, 'ext:integrity-truncate');
  await t.sql`INSERT INTO lessons (course_id, position, title) VALUES (${id}, 1, 'a')`;
  await t.sql`TRUNCATE courses CASCADE`;
  assert.equal(Number((await t.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM lessons`)[0]!.n), 0);
  // The benchmark's and tests' own reset names both tables: still accepted.
  await t.sql`TRUNCATE courses, lessons CASCADE`;
});

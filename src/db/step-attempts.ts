// import_step_attempts: every statement that touches it lives here.
import type { Sql } from './client';

/**
 * Records that `attempt` of `step` starts, and returns how many earlier attempts of the same step never ended
 * (their worker died or the step stopped heartbeating). A retried start of the same attempt is harmless.
 */
export async function startStepAttempt(sql: Sql, importId: string, step: string, attempt: number): Promise<number> {
  // One statement (every heavy step of every import runs it). The count does not see the row inserted beside it,
  // which it would not count anyway (earlier attempts only).
  const [row] = await sql<{ n: number }[]>`
    WITH started AS (
      INSERT INTO import_step_attempts (import_id, step, attempt) VALUES (${importId}, ${step}, ${attempt})
      ON CONFLICT (import_id, step, attempt) DO NOTHING
    )
    SELECT count(*)::int AS n FROM import_step_attempts
    WHERE import_id = ${importId} AND step = ${step} AND attempt < ${attempt} AND ended_at IS NULL`;
  return row?.n ?? 0;
}

/**
 * Records that a new attempt of `step` starts, numbered after the last one recorded, and returns its number and how
 * many earlier attempts never ended. For a step run as a local activity (a small file's parse, plan and index): Temporal
 * numbers its attempts inside one worker only, so the attempt that another worker runs after a crash is attempt 1
 * again and could not be told from the first. Two workers starting the same step at once get distinct numbers
 * (the unique key makes the later insert retry with the next one). Throws after five such collisions in a row.
 */
export async function startNextStepAttempt(sql: Sql, importId: string, step: string): Promise<{ attempt: number; unended: number }> {
  for (let tries = 0; tries < 5; tries++) {
    const [row] = await sql<{ attempt: number | null; unended: number }[]>`
      WITH prior AS (
        SELECT coalesce(max(attempt), 0) AS last, count(*) FILTER (WHERE ended_at IS NULL) AS unended
        FROM import_step_attempts WHERE import_id = ${importId} AND step = ${step}
      ), started AS (
        INSERT INTO import_step_attempts (import_id, step, attempt)
        SELECT ${importId}, ${step}, last + 1 FROM prior
        ON CONFLICT (import_id, step, attempt) DO NOTHING
        RETURNING attempt
      )
      SELECT (SELECT attempt FROM started) AS attempt, unended::int AS unended FROM prior`;
    if (row?.attempt != null) return { attempt: row.attempt, unended: row.unended };
  }
  throw new Error(`could not record a new attempt of ${step} for import ${importId}: five concurrent starts took every number`);
}

/** The attempt ended with its worker alive (done, or an error it reported). */
export async function endStepAttempt(sql: Sql, importId: string, step: string, attempt: number): Promise<void> {
  await sql`UPDATE import_step_attempts SET ended_at = now() WHERE import_id = ${importId} AND step = ${step} AND attempt = ${attempt}`;
}

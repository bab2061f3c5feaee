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

/** The attempt ended with its worker alive (done, or an error it reported). */
export async function endStepAttempt(sql: Sql, importId: string, step: string, attempt: number): Promise<void> {
  await sql`UPDATE import_step_attempts SET ended_at = now() WHERE import_id = ${importId} AND step = ${step} AND attempt = ${attempt}`;
}

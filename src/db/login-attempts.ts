import type { Sql } from './client';

export async function recordLoginAttempt(sql: Sql, a: { email: string; ip: string; succeeded: boolean }): Promise<void> {
  await sql`INSERT INTO login_attempts (email, ip, succeeded) VALUES (${a.email}, ${a.ip}, ${a.succeeded})`;
}

/** Failures for this email since its last success (within a day), and when the latest one happened. */
export async function recentFailuresForEmail(sql: Sql, email: string): Promise<{ failures: number; lastFailureAt: Date | null }> {
  const [r] = await sql<{ failures: number; last: Date | null }[]>`
    SELECT count(*)::int AS failures, max(at) AS last FROM login_attempts
    WHERE email = ${email} AND NOT succeeded AND at > now() - interval '1 day'
      AND at > coalesce((SELECT max(at) FROM login_attempts WHERE email = ${email} AND succeeded), '-infinity')`;
  return { failures: r?.failures ?? 0, lastFailureAt: r?.last ?? null };
}

export async function recentFailuresForIp(sql: Sql, ip: string, windowSeconds: number): Promise<number> {
  const [r] = await sql<{ n: number }[]>`
    SELECT count(*)::int AS n FROM login_attempts WHERE ip = ${ip} AND NOT succeeded AND at > now() - make_interval(secs => ${windowSeconds})`;
  return r?.n ?? 0;
}

export async function pruneLoginAttempts(sql: Sql): Promise<void> {
  await sql`DELETE FROM login_attempts WHERE at < now() - interval '2 days'`;
}

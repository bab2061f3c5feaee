// The sign-in ledger: one row per attempt. The throttling rules that read it are in src/api/login-throttle.ts.
import type { Sql } from './client';

export async function recordLoginAttempt(sql: Sql, a: { email: string; ip: string; succeeded: boolean }): Promise<void> {
  await sql`INSERT INTO login_attempts (email, ip, succeeded) VALUES (${a.email}, ${a.ip}, ${a.succeeded})`;
}

/** True when `ip` signed in successfully as `email` within the last `knownDays` days. */
export async function isKnownAddress(sql: Sql, email: string, ip: string, knownDays: number): Promise<boolean> {
  const rows = await sql`
    SELECT 1 FROM login_attempts
    WHERE email = ${email} AND ip = ${ip} AND succeeded AND at > now() - make_interval(days => ${knownDays}) LIMIT 1`;
  return rows.length > 0;
}

/**
 * Failures for this email since its last success (within a day), and when the latest one happened,
 * counting either the failures made from one address (`{ ip }`) or those made from every address that has
 * not signed in as this email within `knownDays` days (`'unknown'`).
 */
export async function recentFailuresForEmail(
  sql: Sql,
  email: string,
  from: { ip: string } | 'unknown',
  knownDays: number,
): Promise<{ failures: number; lastFailureAt: Date | null }> {
  const scope =
    from === 'unknown'
      ? sql`AND NOT EXISTS (SELECT 1 FROM login_attempts s WHERE s.email = f.email AND s.ip = f.ip AND s.succeeded
                            AND s.at > now() - make_interval(days => ${knownDays}))`
      : sql`AND f.ip = ${from.ip}`;
  const [r] = await sql<{ failures: number; last: Date | null }[]>`
    SELECT count(*)::int AS failures, max(at) AS last FROM login_attempts f
    WHERE f.email = ${email} AND NOT f.succeeded AND f.at > now() - interval '1 day'
      AND f.at > coalesce((SELECT max(at) FROM login_attempts WHERE email = ${email} AND succeeded), '-infinity')
      ${scope}`;
  return { failures: r?.failures ?? 0, lastFailureAt: r?.last ?? null };
}

/** Failures from this address within the window (seconds), on any email, and when the latest one happened. */
export async function recentFailuresForIp(sql: Sql, ip: string, windowSeconds: number): Promise<{ failures: number; lastFailureAt: Date | null }> {
  const [r] = await sql<{ n: number; last: Date | null }[]>`
    SELECT count(*)::int AS n, max(at) AS last FROM login_attempts
    WHERE ip = ${ip} AND NOT succeeded AND at > now() - make_interval(secs => ${windowSeconds})`;
  return { failures: r?.n ?? 0, lastFailureAt: r?.last ?? null };
}

/** Failures are kept two days (the rules look back one); successes `knownDays` days (they make an address known). */
export async function pruneLoginAttempts(sql: Sql, knownDays = 30): Promise<void> {
  await sql`
    DELETE FROM login_attempts
    WHERE at < now() - interval '2 days' AND (NOT succeeded OR at < now() - make_interval(days => ${knownDays}))`;
}

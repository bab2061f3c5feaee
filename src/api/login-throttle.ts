// Login throttling: per typed email (whether an account exists or not, so it reveals nothing) and per address.
// After 5 failures in a row an email is locked 15 minutes; each further failure after a lock doubles it (max 24 h).
// An address with 50 failures in 15 minutes (a spray over many emails) is refused until they age out.
import type { Sql } from '../db/client';
import { recentFailuresForEmail, recentFailuresForIp } from '../db/login-attempts';

export const MAX_FAILURES_PER_EMAIL = 5;
export const BASE_LOCK_SECONDS = 15 * 60;
export const MAX_LOCK_SECONDS = 24 * 3600;
export const IP_WINDOW_SECONDS = 15 * 60;
export const MAX_FAILURES_PER_IP = 50;

export function lockSeconds(failures: number): number {
  if (failures < MAX_FAILURES_PER_EMAIL) return 0;
  return Math.min(MAX_LOCK_SECONDS, BASE_LOCK_SECONDS * 2 ** (failures - MAX_FAILURES_PER_EMAIL));
}

/** When the next attempt may be made, or null when it may be made now. */
export async function throttledUntil(sql: Sql, email: string, ip: string, now = new Date()): Promise<Date | null> {
  const { failures, lastFailureAt } = await recentFailuresForEmail(sql, email);
  const lock = lockSeconds(failures);
  if (lock > 0 && lastFailureAt) {
    const until = new Date(lastFailureAt.getTime() + lock * 1000);
    if (until > now) return until;
  }
  if ((await recentFailuresForIp(sql, ip, IP_WINDOW_SECONDS)) >= MAX_FAILURES_PER_IP) return new Date(now.getTime() + IP_WINDOW_SECONDS * 1000);
  return null;
}

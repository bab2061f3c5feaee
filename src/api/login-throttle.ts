/**
 * Login throttling, after OWASP's Authentication Cheat Sheet ("Protect against automated attacks": account
 * lockout keyed on the account, not the address, and without letting an attacker lock honest people out).
 * Two rules, read from the `login_attempts` ledger:
 *
 * 1. **Per account** (the typed email, whether an account exists or not, so the answer reveals nothing):
 *    after 5 failures in a row (since the account's last success, within a day) the email is locked
 *    15 minutes, doubling with each further failure, up to 24 hours. The failures are counted separately
 *    for a **known address** (one that signed in successfully as this email within 30 days): its own
 *    failures only. Everyone else shares one counter. So a stranger's brute force locks the account for
 *    strangers, while its owner, from an address they signed in from before, still signs in; five wrong
 *    passwords from that address lock it there too.
 * 2. **Per address** (a spray over many emails): from 20 failures within 15 minutes, an address is slowed,
 *    not locked: its next attempt must wait 1 s after its latest failure, doubling with each failure above
 *    20, at most 60 s. The rule does not apply to an email the address is known for, so a colleague behind
 *    the same office NAT as the attacker signs in at once; a colleague never seen from that address waits at
 *    most a minute.
 *
 * Refused attempts are not recorded (they cost no password check), so waiting is never prolonged by trying.
 */
import type { Sql } from '../db/client';
import { isKnownAddress, recentFailuresForEmail, recentFailuresForIp } from '../db/login-attempts';

export const MAX_FAILURES_PER_EMAIL = 5;
export const BASE_LOCK_SECONDS = 15 * 60;
export const MAX_LOCK_SECONDS = 24 * 3600;
/** An address that signed in as an email within this many days is known for it. */
export const KNOWN_ADDRESS_DAYS = 30;
export const IP_WINDOW_SECONDS = 15 * 60;
/** Failures from one address within IP_WINDOW_SECONDS from which its attempts are slowed. */
export const MAX_FAILURES_PER_IP = 20;
export const BASE_IP_DELAY_SECONDS = 1;
export const MAX_IP_DELAY_SECONDS = 60;

/** Seconds an email is locked after this many failures in a row: 0 below 5, then 15 min doubling, max 24 h. */
export function lockSeconds(failures: number): number {
  if (failures < MAX_FAILURES_PER_EMAIL) return 0;
  return Math.min(MAX_LOCK_SECONDS, BASE_LOCK_SECONDS * 2 ** (failures - MAX_FAILURES_PER_EMAIL));
}

/** Seconds an address waits after its latest failure, given its failures in the window: 0 below 20, then 1 s doubling, max 60 s. */
export function ipDelaySeconds(failures: number): number {
  if (failures < MAX_FAILURES_PER_IP) return 0;
  return Math.min(MAX_IP_DELAY_SECONDS, BASE_IP_DELAY_SECONDS * 2 ** (failures - MAX_FAILURES_PER_IP));
}

export interface Throttle {
  /** When the next attempt may be made. */
  until: Date;
  /** Which rule refused: the account's lock or the address's slowing. */
  rule: 'account' | 'address';
}

/** Whether an attempt to sign in as `email` from `ip` must wait, and until when; null when it may be made now. */
export async function throttledUntil(sql: Sql, email: string, ip: string, now = new Date()): Promise<Throttle | null> {
  const known = await isKnownAddress(sql, email, ip, KNOWN_ADDRESS_DAYS);
  const { failures, lastFailureAt } = await recentFailuresForEmail(sql, email, known ? { ip } : 'unknown', KNOWN_ADDRESS_DAYS);
  const lock = lockSeconds(failures);
  if (lock > 0 && lastFailureAt) {
    const until = new Date(lastFailureAt.getTime() + lock * 1000);
    if (until > now) return { until, rule: 'account' };
  }
  if (known) return null;
  const fromIp = await recentFailuresForIp(sql, ip, IP_WINDOW_SECONDS);
  const delay = ipDelaySeconds(fromIp.failures);
  if (delay > 0 && fromIp.lastFailureAt) {
    const until = new Date(fromIp.lastFailureAt.getTime() + delay * 1000);
    if (until > now) return { until, rule: 'address' };
  }
  return null;
}

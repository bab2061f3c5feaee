import type { Sql } from './client';
import type { Role } from './users';
import type { Language } from '../i18n/languages';

export type FlashKind = 'success' | 'error' | 'info' | 'warning';
/** A one-time message shown on the next page the session renders (stored with the session). */
export interface FlashMessage {
  kind: FlashKind;
  message: string;
}

export interface SessionRecord {
  id_hash: string;
  user_id: number;
  csrf_token: string;
  flash: FlashMessage[];
  created_at: Date;
  last_seen_at: Date;
  expires_at: Date;
  email: string;
  role: Role;
  language: Language | null;
}

export async function insertSession(
  sql: Sql,
  s: { idHash: string; userId: number; csrfToken: string; ip: string; userAgent: string | null; ttlSeconds: number },
): Promise<void> {
  await sql`
    INSERT INTO sessions (id_hash, user_id, csrf_token, ip, user_agent, expires_at)
    VALUES (${s.idHash}, ${s.userId}, ${s.csrfToken}, ${s.ip}, ${s.userAgent?.slice(0, 300) ?? null}, now() + make_interval(secs => ${s.ttlSeconds}))`;
}

/**
 * The live session with its user: not past its absolute expiry, not idle longer than `idleSeconds`, user enabled.
 * Touches last_seen_at at most once a minute, so reading pages does not write on every request.
 */
export async function loadSession(sql: Sql, idHash: string, idleSeconds: number): Promise<SessionRecord | undefined> {
  const [s] = await sql<SessionRecord[]>`
    WITH live AS (
      SELECT s.id_hash FROM sessions s JOIN staff_users u ON u.id = s.user_id
      WHERE s.id_hash = ${idHash} AND s.expires_at > now() AND u.disabled_at IS NULL
        AND s.last_seen_at > now() - make_interval(secs => ${idleSeconds})
    ), touched AS (
      UPDATE sessions SET last_seen_at = now()
      WHERE id_hash IN (SELECT id_hash FROM live) AND last_seen_at < now() - interval '1 minute'
    )
    SELECT s.id_hash, s.user_id, s.csrf_token, s.flash, s.created_at, s.last_seen_at, s.expires_at, u.email, u.role, u.language
    FROM sessions s JOIN staff_users u ON u.id = s.user_id
    WHERE s.id_hash IN (SELECT id_hash FROM live)`;
  return s;
}

export async function saveFlash(sql: Sql, idHash: string, flash: FlashMessage[]): Promise<void> {
  await sql`UPDATE sessions SET flash = ${sql.json(flash as never)} WHERE id_hash = ${idHash}`;
}

export async function deleteSession(sql: Sql, idHash: string): Promise<void> {
  await sql`DELETE FROM sessions WHERE id_hash = ${idHash}`;
}

/** Disabling an account or changing its role ends its sessions: the next request asks to log in again. */
export async function deleteUserSessions(sql: Sql, userId: number): Promise<number> {
  const rows = await sql`DELETE FROM sessions WHERE user_id = ${userId} RETURNING 1`;
  return rows.length;
}

export async function deleteExpiredSessions(sql: Sql, idleSeconds: number): Promise<number> {
  const rows = await sql`
    DELETE FROM sessions WHERE expires_at <= now() OR last_seen_at <= now() - make_interval(secs => ${idleSeconds}) RETURNING 1`;
  return rows.length;
}


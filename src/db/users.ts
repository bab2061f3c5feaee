import type { Sql } from './client';
import type { Language } from '../i18n/languages';

/** A staff account's role: admins change things, viewers read (every route checks it). */
export type Role = 'admin' | 'viewer';

export interface StaffUser {
  id: number;
  email: string;
  role: Role;
  password_hash: string;
  disabled_at: Date | null;
  last_login_at: Date | null;
  /** The admin's language chosen by this person; null: their browser's Accept-Language decides. */
  language: Language | null;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
}

export type StaffUserSummary = Omit<StaffUser, 'password_hash'>;

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export async function findUserByEmail(sql: Sql, email: string): Promise<StaffUser | undefined> {
  const [u] = await sql<StaffUser[]>`SELECT * FROM staff_users WHERE email = ${normalizeEmail(email)}`;
  return u;
}

export async function findUserById(sql: Sql, id: number): Promise<StaffUser | undefined> {
  const [u] = await sql<StaffUser[]>`SELECT * FROM staff_users WHERE id = ${id}`;
  return u;
}

export async function countUsers(sql: Sql): Promise<number> {
  const [c] = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM staff_users`;
  return c?.n ?? 0;
}

export async function listUsers(sql: Sql): Promise<StaffUserSummary[]> {
  return sql<StaffUserSummary[]>`
    SELECT id, email, role, disabled_at, last_login_at, created_by, created_at, updated_at
    FROM staff_users ORDER BY disabled_at IS NOT NULL, email`;
}

export class DuplicateEmailError extends Error {
  override readonly name = 'DuplicateEmailError';
}

export async function insertUser(sql: Sql, u: { email: string; role: Role; passwordHash: string; createdBy: string | null }): Promise<StaffUser> {
  const rows = await sql<StaffUser[]>`
    INSERT INTO staff_users (email, role, password_hash, created_by)
    VALUES (${normalizeEmail(u.email)}, ${u.role}, ${u.passwordHash}, ${u.createdBy})
    ON CONFLICT (email) DO NOTHING
    RETURNING *`;
  const [row] = rows;
  if (!row) throw new DuplicateEmailError(`an account already exists for ${normalizeEmail(u.email)}`);
  return row;
}

/**
 * The first admin at start-up: inserted only while the table is empty, in one statement so two processes
 * starting together cannot both create one. Returns whether it was created.
 */
export async function insertFirstAdmin(sql: Sql, email: string, passwordHash: string): Promise<boolean> {
  return sql.begin(async (tx) => {
    await tx`LOCK TABLE staff_users IN EXCLUSIVE MODE`;
    const rows = await tx`
      INSERT INTO staff_users (email, role, password_hash, created_by)
      SELECT ${normalizeEmail(email)}, 'admin', ${passwordHash}, 'ADMIN_EMAIL'
      WHERE NOT EXISTS (SELECT 1 FROM staff_users)
      RETURNING id`;
    return rows.length === 1;
  });
}

export async function setUserRole(sql: Sql, id: number, role: Role): Promise<boolean> {
  const rows = await sql`UPDATE staff_users SET role = ${role}, updated_at = now() WHERE id = ${id} RETURNING id`;
  return rows.length === 1;
}

export async function setUserDisabled(sql: Sql, id: number, disabled: boolean): Promise<boolean> {
  const rows = await sql`
    UPDATE staff_users SET disabled_at = ${disabled ? sql`now()` : null}, updated_at = now() WHERE id = ${id} RETURNING id`;
  return rows.length === 1;
}

export async function setUserPassword(sql: Sql, id: number, passwordHash: string): Promise<boolean> {
  const rows = await sql`UPDATE staff_users SET password_hash = ${passwordHash}, updated_at = now() WHERE id = ${id} RETURNING id`;
  return rows.length === 1;
}

export async function markLogin(sql: Sql, id: number): Promise<void> {
  await sql`UPDATE staff_users SET last_login_at = now() WHERE id = ${id}`;
}

/** Active admins other than `exceptId`: the last admin cannot be demoted or disabled. */
export async function countOtherActiveAdmins(sql: Sql, exceptId: number): Promise<number> {
  const [c] = await sql<{ n: number }[]>`
    SELECT count(*)::int AS n FROM staff_users WHERE role = 'admin' AND disabled_at IS NULL AND id <> ${exceptId}`;
  return c?.n ?? 0;
}

/** Saves the language a person chose for the admin (null forgets it: the browser decides again). */
export async function setUserLanguage(sql: Sql, id: number, language: Language | null): Promise<boolean> {
  const rows = await sql`UPDATE staff_users SET language = ${language}, updated_at = now() WHERE id = ${id} RETURNING id`;
  return rows.length === 1;
}

import type { Sql } from './client';
import type { Role } from './users';

export interface ApiTokenRecord {
  id: number;
  name: string;
  prefix: string;
  role: Role;
  created_by: number | null;
  created_by_email: string | null;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

export async function insertApiToken(sql: Sql, t: { name: string; tokenHash: string; prefix: string; role: Role; createdBy: number | null }): Promise<number> {
  const [row] = await sql<{ id: number }[]>`
    INSERT INTO api_tokens (name, token_hash, prefix, role, created_by)
    VALUES (${t.name}, ${t.tokenHash}, ${t.prefix}, ${t.role}, ${t.createdBy})
    RETURNING id`;
  if (!row) throw new Error('api token insert returned nothing');
  return row.id;
}

/** The live token for this hash; records its use at most once a minute. */
export async function useApiToken(sql: Sql, tokenHash: string): Promise<{ id: number; name: string; role: Role } | undefined> {
  const [t] = await sql<{ id: number; name: string; role: Role }[]>`
    WITH live AS (SELECT id, name, role, last_used_at FROM api_tokens WHERE token_hash = ${tokenHash} AND revoked_at IS NULL),
    touched AS (
      UPDATE api_tokens SET last_used_at = now()
      WHERE id IN (SELECT id FROM live WHERE last_used_at IS NULL OR last_used_at < now() - interval '1 minute')
    )
    SELECT id, name, role FROM live`;
  return t;
}

export async function listApiTokens(sql: Sql): Promise<ApiTokenRecord[]> {
  return sql<ApiTokenRecord[]>`
    SELECT t.id, t.name, t.prefix, t.role, t.created_by, u.email AS created_by_email, t.created_at, t.last_used_at, t.revoked_at
    FROM api_tokens t LEFT JOIN staff_users u ON u.id = t.created_by
    ORDER BY t.revoked_at IS NOT NULL, t.created_at DESC`;
}

export async function revokeApiToken(sql: Sql, id: number): Promise<{ name: string } | undefined> {
  const [t] = await sql<{ name: string }[]>`UPDATE api_tokens SET revoked_at = now() WHERE id = ${id} AND revoked_at IS NULL RETURNING name`;
  return t;
}

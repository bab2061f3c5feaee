// search_reindexes: the full reindex in progress (at most one per alias), read by every writer of the index.
import type { Sql } from './client';

export interface ReindexRecord {
  id: string;
  alias: string;
  target_index: string;
  status: 'running' | 'succeeded' | 'failed';
  copied: number;
  started_at: Date;
  finished_at: Date | null;
  error: string | null;
}

/** Records the reindex; false when another one is already running for this alias. */
export async function beginReindex(sql: Sql, id: string, alias: string, target: string): Promise<ReindexRecord | null> {
  const rows = await sql<ReindexRecord[]>`
    INSERT INTO search_reindexes (id, alias, target_index, status) VALUES (${id}, ${alias}, ${target}, 'running')
    ON CONFLICT DO NOTHING RETURNING *`;
  if (rows[0]) return rows[0];
  // A retried activity finds its own row.
  const [own] = await sql<ReindexRecord[]>`SELECT * FROM search_reindexes WHERE id = ${id}`;
  return own ?? null;
}

export async function getReindex(sql: Sql, id: string): Promise<ReindexRecord | null> {
  const [row] = await sql<ReindexRecord[]>`SELECT * FROM search_reindexes WHERE id = ${id}`;
  return row ?? null;
}

export async function runningReindex(sql: Sql, alias: string): Promise<ReindexRecord | null> {
  const [row] = await sql<ReindexRecord[]>`SELECT * FROM search_reindexes WHERE alias = ${alias} AND status = 'running'`;
  return row ?? null;
}

export async function latestReindex(sql: Sql, alias: string): Promise<ReindexRecord | null> {
  const [row] = await sql<ReindexRecord[]>`SELECT * FROM search_reindexes WHERE alias = ${alias} ORDER BY started_at DESC LIMIT 1`;
  return row ?? null;
}

export async function setReindexCopied(sql: Sql, id: string, copied: number): Promise<void> {
  await sql`UPDATE search_reindexes SET copied = ${copied} WHERE id = ${id}`;
}

export async function finishReindex(sql: Sql, id: string, status: 'succeeded' | 'failed', error: string | null): Promise<void> {
  await sql`UPDATE search_reindexes SET status = ${status}, error = ${error}, finished_at = now() WHERE id = ${id} AND status = 'running'`;
}

// bulk_actions: one row per bulk action on courses (activate, deactivate, duplicate, delete), with its progress.
import type { Sql } from './client';
import type { BulkAction } from '../contract';

export interface BulkActionRecord {
  id: string;
  action: BulkAction;
  total: number;
  processed: number;
  status: 'running' | 'succeeded' | 'failed';
  started_by: string | null;
  created_at: Date;
  finished_at: Date | null;
}

export async function createBulkAction(sql: Sql, id: string, action: BulkAction, startedBy: string | null): Promise<void> {
  await sql`INSERT INTO bulk_actions (id, action, started_by) VALUES (${id}, ${action}, ${startedBy}) ON CONFLICT (id) DO NOTHING`;
}

export async function updateBulkAction(sql: Sql, id: string, fields: { total?: number; processed?: number; status?: BulkActionRecord['status'] }): Promise<void> {
  const set = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
  if (Object.keys(set).length === 0) return;
  await sql`UPDATE bulk_actions SET ${sql(set)}, finished_at = ${fields.status && fields.status !== 'running' ? sql`now()` : sql`finished_at`} WHERE id = ${id}`;
}

export async function getBulkAction(sql: Sql, id: string): Promise<BulkActionRecord | null> {
  const [row] = await sql<BulkActionRecord[]>`SELECT * FROM bulk_actions WHERE id = ${id}`;
  return row ?? null;
}

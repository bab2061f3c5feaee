import type { Sql } from './client';

export interface Heartbeat {
  component: string;
  instance: string;
  last_seen_at: Date;
  started_at: Date;
  detail: Record<string, unknown> | null;
}

export async function beat(sql: Sql, component: string, instance: string, detail: Record<string, unknown>): Promise<void> {
  await sql`
    INSERT INTO component_heartbeats (component, instance, detail) VALUES (${component}, ${instance}, ${sql.json(detail as never)})
    ON CONFLICT (component, instance) DO UPDATE SET last_seen_at = now(), detail = EXCLUDED.detail`;
}

/** A process that stops cleanly says so, so the health check does not wait for its heartbeat to go stale. */
export async function forget(sql: Sql, component: string, instance: string): Promise<void> {
  await sql`DELETE FROM component_heartbeats WHERE component = ${component} AND instance = ${instance}`;
}

export async function listHeartbeats(sql: Sql): Promise<Heartbeat[]> {
  return sql<Heartbeat[]>`SELECT * FROM component_heartbeats ORDER BY component, instance`;
}

import type { Sql } from './client';
import type { ImportSummary } from '../contract';

export interface Delivery {
  key: string;
  channel: string;
  event: string;
  import_id: string | null;
  status: 'pending' | 'sent' | 'failed';
  attempts: number;
  last_error: string | null;
  created_at: Date;
  sent_at: Date | null;
}

/**
 * Claims one delivery attempt: returns the row after counting the attempt, or the finished row untouched
 * (sent or failed) so the caller sends nothing.
 */
export async function claimDelivery(sql: Sql, d: { key: string; channel: string; event: string; importId: string | null }): Promise<Delivery> {
  const [row] = await sql<Delivery[]>`
    INSERT INTO notification_deliveries (key, channel, event, import_id, status, attempts)
    VALUES (${d.key}, ${d.channel}, ${d.event}, ${d.importId}, 'pending', 1)
    ON CONFLICT (key, channel) DO UPDATE SET attempts = notification_deliveries.attempts + 1
      WHERE notification_deliveries.status = 'pending'
    RETURNING *`;
  if (row) return row;
  const [done] = await sql<Delivery[]>`SELECT * FROM notification_deliveries WHERE key = ${d.key} AND channel = ${d.channel}`;
  if (!done) throw new Error(`delivery ${d.key}/${d.channel} vanished`);
  return done;
}

export async function finishDelivery(sql: Sql, key: string, channel: string, status: 'sent' | 'failed', error: string | null): Promise<void> {
  await sql`
    UPDATE notification_deliveries SET status = ${status}, last_error = ${error}, sent_at = CASE WHEN ${status} = 'sent' THEN now() END
    WHERE key = ${key} AND channel = ${channel}`;
}

export async function noteDeliveryError(sql: Sql, key: string, channel: string, error: string): Promise<void> {
  await sql`UPDATE notification_deliveries SET last_error = ${error} WHERE key = ${key} AND channel = ${channel}`;
}

export async function deliveriesOfImport(sql: Sql, importId: string): Promise<Delivery[]> {
  return sql<Delivery[]>`SELECT * FROM notification_deliveries WHERE import_id = ${importId} ORDER BY created_at, channel`;
}

/**
 * The import's summary, recorded once per import (import_notifications, channel 'summary'): a retried notify
 * step writes nothing more. The summary is a bounded object (counts, 50 sample errors at most).
 */
export async function recordImportSummary(sql: Sql, summary: ImportSummary): Promise<void> {
  await sql`
    INSERT INTO import_notifications (import_id, channel, status, detail, sent_at)
    VALUES (${summary.importId}, 'summary', 'sent', ${sql.json(summary as never)}, now())
    ON CONFLICT (import_id, channel) DO NOTHING`;
}

import type { ActivityDeps } from './deps';
import type { ImportSummary } from '../contract';

/**
 * Step 6. Records the import's summary once per import and channel (the record is written before anything is
 * sent, so a retried activity sends nothing twice). Email and webhook channels plug in here.
 */
export function notify(deps: ActivityDeps) {
  return async (summary: ImportSummary): Promise<{ channels: string[] }> => {
    const [row] = await deps.sql<{ channel: string }[]>`
      INSERT INTO import_notifications (import_id, channel, status, detail, sent_at)
      VALUES (${summary.importId}, 'summary', 'sent', ${deps.sql.json(summary as never)}, now())
      ON CONFLICT (import_id, channel) DO NOTHING
      RETURNING channel`;
    if (row) deps.logger.info({ importId: summary.importId, workflowId: summary.workflowId, status: summary.status, counts: summary.counts }, 'import summary');
    return { channels: row ? ['summary'] : [] };
  };
}

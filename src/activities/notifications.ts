import { ApplicationFailure } from '@temporalio/activity';
import type { ActivityDeps } from './deps';
import type { ImportSummary } from '../contract';
import { getImport } from '../db/imports';
import { claimDelivery, finishDelivery, noteDeliveryError, recordImportSummary } from '../db/notifications';
import { channelIdsFor, deliver, reviveNotice } from '../notify/deliver';
import { eventOf, IMPORT_OUTCOMES, type Notice } from '../notify/messages';
import { workflowWebUiUrl } from '../temporal/web-ui';

export interface SendNoticeArgs {
  /** Stable for one notice (e.g. `import:<id>`): with the channel, the idempotency key of the delivery. */
  key: string;
  channelId: string;
  notice: Notice;
  importId: string | null;
}

export const UNDELIVERABLE = 'NotificationUndeliverable';

export function notificationActivities(deps: ActivityDeps) {
  return {
    /**
     * Step 6 of an import. Records the summary once per import, then returns the notice that the delivery
     * workflow sends to every channel that wants it, or null when none does.
     */
    async notify(summary: ImportSummary): Promise<Notice | null> {
      await recordImportSummary(deps.sql, summary);
      deps.logger.info({ importId: summary.importId, workflowId: summary.workflowId, status: summary.status, counts: summary.counts }, 'import summary');
      const status = IMPORT_OUTCOMES.find((o) => o === summary.status);
      if (!status) return null;
      const { publicUrl, temporal } = deps.config;
      const fromSummary: Notice = {
        type: 'import',
        importId: summary.importId,
        workflowId: summary.workflowId,
        fileName: summary.importId,
        source: 'unknown',
        startedBy: null,
        status,
        counts: summary.counts,
        durationMs: null,
        errors: summary.errors.slice(0, 20),
        warnings: (summary.warnings ?? []).slice(0, 20),
        error: summary.error ?? null,
        adminUrl: `${publicUrl}/admin-dashboard/imports/${summary.importId}/`,
        temporalUrl: workflowWebUiUrl(temporal, summary.workflowId),
      };
      // No channel wants it: no delivery workflow at all (one workflow per file instead of two, under load), and
      // the ledger is not read (the channels depend on the outcome only).
      if (channelIdsFor(fromSummary, deps.notifier.config).length === 0) return null;
      const record = await getImport(deps.sql, summary.importId);
      return {
        ...fromSummary,
        fileName: record?.file_name ?? summary.importId,
        source: record?.source ?? 'unknown',
        startedBy: record?.started_by ?? null,
        durationMs: record?.started_at ? Date.now() - record.started_at.getTime() : null,
        // From the summary: the ledger's error columns are written by the archive step, after this one.
        error: summary.error ?? (record?.error_code ? { code: record.error_code, message: record.error_message ?? '', ...(record.error_params ? { params: record.error_params } : {}) } : null),
      };
    },

    async planDelivery(notice: Notice): Promise<string[]> {
      return channelIdsFor(notice, deps.notifier.config);
    },

    /**
     * One channel, at most once once confirmed: the delivery row is claimed before sending; a retry after an
     * unconfirmed attempt sends again with the same idempotency key. 429 waits for Retry-After; other 4xx
     * answers are final and recorded, never failing the import.
     */
    async sendNotice(args: SendNoticeArgs): Promise<'sent' | 'failed' | 'already'> {
      const { sql } = deps;
      const event = eventOf(args.notice);
      const claim = await claimDelivery(sql, { key: args.key, channel: args.channelId, event, importId: args.importId });
      if (claim.status !== 'pending') return 'already';
      const outcome = await deliver(deps.notifier, args.channelId, reviveNotice(args.notice), `${args.key}:${args.channelId}`);
      if (outcome.ok) {
        await finishDelivery(sql, args.key, args.channelId, 'sent', null);
        deps.logger.info({ key: args.key, channel: args.channelId, event, importId: args.importId }, 'notification sent');
        return 'sent';
      }
      if (!outcome.retryable) {
        await finishDelivery(sql, args.key, args.channelId, 'failed', outcome.message);
        deps.logger.warn({ key: args.key, channel: args.channelId, event, reason: outcome.message }, 'notification refused');
        return 'failed';
      }
      await noteDeliveryError(sql, args.key, args.channelId, outcome.message);
      throw ApplicationFailure.create({
        type: 'NotificationRetry',
        message: outcome.message,
        ...(outcome.retryAfterMs !== null ? { nextRetryDelay: outcome.retryAfterMs } : {}),
      });
    },

    /** After the last attempt: the failure is recorded where the admin shows it. */
    async giveUpNotice(args: { key: string; channelId: string; reason: string }): Promise<void> {
      await finishDelivery(deps.sql, args.key, args.channelId, 'failed', args.reason);
    },
  };
}

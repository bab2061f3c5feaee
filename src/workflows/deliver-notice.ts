// deliverNotice: one notice (an import's result, the daily digest, a health alert) to every channel that
// wants it, each channel retried on its own with backoff. It runs apart from the import, so an undeliverable
// notification never fails or delays the import.
import { ActivityFailure, proxyActivities } from '@temporalio/workflow';
import type { DeliverNoticeActivities } from '../activities';
import type { Notice } from '../notify/messages';

const plan = proxyActivities<DeliverNoticeActivities>({ startToCloseTimeout: '30s', retry: { maximumInterval: '1m' } });
// SMTP and HTTP timeouts (10 s by default) stay well below this; about two hours of attempts before giving up.
const send = proxyActivities<DeliverNoticeActivities>({
  startToCloseTimeout: '1m',
  retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '10m', maximumAttempts: 18 },
});

export async function deliverNotice(args: { key: string; notice: Notice; importId: string | null }): Promise<Record<string, string>> {
  const channels = await plan.planDelivery(args.notice);
  const results = await Promise.all(
    channels.map(async (channelId) => {
      try {
        return [channelId, await send.sendNotice({ key: args.key, channelId, notice: args.notice, importId: args.importId })] as const;
      } catch (err) {
        const reason = err instanceof ActivityFailure ? (err.cause?.message ?? err.message) : String(err);
        await plan.giveUpNotice({ key: args.key, channelId, reason });
        return [channelId, 'failed'] as const;
      }
    }),
  );
  return Object.fromEntries(results);
}

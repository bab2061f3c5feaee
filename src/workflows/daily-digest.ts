// dailyDigest: the last 24 hours by email and webhooks, started by a Temporal Schedule (or at once from the
// admin or the CLI by triggering that schedule).
import { executeChild, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { DailyDigestActivities } from '../activities';
import { deliverNotice } from './deliver-notice';

const { collectDigest } = proxyActivities<DailyDigestActivities>({ startToCloseTimeout: '2m', retry: { maximumInterval: '1m' } });

export async function dailyDigest(): Promise<Record<string, string>> {
  const digest = await collectDigest({});
  const { workflowId } = workflowInfo();
  return executeChild(deliverNotice, {
    workflowId: `notify-${workflowId}`,
    args: [{ key: `digest:${workflowId}`, notice: { type: 'digest', ...digest }, importId: null }],
  });
}

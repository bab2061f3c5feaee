// W2's floor: the import workflow's shape (seven activities in a row) with nothing inside them.
import { proxyActivities } from '@temporalio/workflow';
import type { NoopActivities } from './noop-activities';

const steps = proxyActivities<NoopActivities>({ startToCloseTimeout: '1m' });

export async function benchNoop(id: string): Promise<string> {
  await steps.moveToProcessing(id);
  await steps.parse(id);
  await steps.plan(id);
  await steps.upsert(id);
  await steps.index(id);
  await steps.notify(id);
  await steps.archive(id);
  return id;
}

// housekeeping: run every hour by a Temporal Schedule on the import task queue. Staged rows of finished imports
// are purged after STAGING_RETENTION, and files a crash left in incoming/ or processing/ are removed after
// ORPHAN_FILE_AGE; what it did is recorded for the monitoring page (src/activities/housekeeping.ts).
import { proxyActivities } from '@temporalio/workflow';
import type { HousekeepingActivities } from '../activities';
import type { HousekeepingResult } from '../activities/housekeeping';

const { housekeeping: housekeep } = proxyActivities<HousekeepingActivities>({
  startToCloseTimeout: '30m',
  heartbeatTimeout: '2m',
  retry: { initialInterval: '10s', maximumInterval: '5m', maximumAttempts: 5 },
});

export async function housekeeping(): Promise<HousekeepingResult> {
  return housekeep();
}

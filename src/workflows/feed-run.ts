// feedRun: one run of a feed (issue 12), started by the feed's Temporal Schedule or by "run now". Its activity
// downloads the feed's URL (If-None-Match / If-Modified-Since) and starts the normal importFile workflow when the
// content changed; an unchanged feed is a cheap run recorded in the feed's history.
import { proxyActivities } from '@temporalio/workflow';
import type { FeedRunActivities } from '../activities';
import type { FeedRunInput, FeedRunResult } from '../activities/feeds';

const { runFeed } = proxyActivities<FeedRunActivities>({
  // The download has its own limit (URL_IMPORT_TIMEOUT); this only bounds a worker that vanished mid-run.
  startToCloseTimeout: '30m',
  retry: { initialInterval: '10s', maximumInterval: '5m', maximumAttempts: 5 },
});

export async function feedRun(input: FeedRunInput): Promise<FeedRunResult> {
  return runFeed(input);
}

// One Temporal Schedule per feed (issue 12): it starts the feedRun workflow on the feed's interval or cron
// expression. Pausing the feed pauses its Schedule; "run now" starts one run at once.
import { ScheduleAlreadyRunning, ScheduleNotFoundError, ScheduleOverlapPolicy, type Client, type ScheduleSpec } from '@temporalio/client';
import type { Config } from '../config';
import { feedRun } from '../workflows';
import type { Feed } from '../db/feeds';
import { parseFeedSchedule, type FeedScheduleSpec } from '../feeds/schedule-spec';
import type { Sql } from '../db/client';
import { startOnce } from './start-once';

/** The Schedule of a feed; prefixed by the task queue like the other Schedules (scheduleIds), so deployments can share a namespace. */
export function feedScheduleId(config: Pick<Config, 'temporal'>, feedId: string): string {
  return `${config.temporal.taskQueue}-feed-${feedId}`;
}

function specOf(spec: FeedScheduleSpec, timezone: string): ScheduleSpec {
  return spec.kind === 'interval' ? { intervals: [{ every: spec.seconds * 1000 }] } : { cronExpressions: [spec.expression], timezone };
}

/**
 * Creates the feed's Schedule (paused if the feed is). Cron expressions are read in DISPLAY_TIMEZONE, the zone the
 * admin reads times in. Overlapping runs are skipped. Throws Temporal's error for a spec it refuses.
 */
export async function createFeedSchedule(client: Client, config: Pick<Config, 'temporal' | 'i18n'>, feed: Pick<Feed, 'id' | 'name' | 'paused'>, spec: FeedScheduleSpec): Promise<void> {
  await client.schedule.create({
    scheduleId: feedScheduleId(config, feed.id),
    spec: specOf(spec, config.i18n.displayTimeZone),
    action: {
      type: 'startWorkflow',
      workflowType: feedRun,
      workflowId: `${feedScheduleId(config, feed.id)}-run`,
      taskQueue: config.temporal.taskQueue,
      args: [{ feedId: feed.id, trigger: 'scheduled' }],
      workflowRunTimeout: '1h',
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1h' },
    state: { paused: feed.paused, note: feed.paused ? 'paused from the Feeds page' : undefined },
    memo: { purpose: `Feed "${feed.name}": downloads its URL and imports it when it changed` },
  });
}

/** Pauses or resumes the feed's Schedule. A Schedule that is gone (deleted by hand) is not an error. */
export async function setFeedSchedulePaused(client: Client, config: Pick<Config, 'temporal'>, feedId: string, paused: boolean, by: string): Promise<void> {
  const handle = client.schedule.getHandle(feedScheduleId(config, feedId));
  try {
    if (paused) await handle.pause(`paused by ${by}`);
    else await handle.unpause(`resumed by ${by}`);
  } catch (err) {
    if (!(err instanceof ScheduleNotFoundError)) throw err;
  }
}

/** Deletes the feed's Schedule; one already gone is not an error. */
export async function deleteFeedSchedule(client: Client, config: Pick<Config, 'temporal'>, feedId: string): Promise<void> {
  await client.schedule.getHandle(feedScheduleId(config, feedId)).delete().catch((err: unknown) => {
    if (!(err instanceof ScheduleNotFoundError)) throw err;
  });
}

/**
 * "Run now": starts one run of the feed, whatever its Schedule says (a paused feed too). Returns false when a
 * manual run of this feed is still going on (its workflow id is fixed, so two clicks start one run).
 */
export async function runFeedNow(client: Client, config: Pick<Config, 'temporal'>, feedId: string): Promise<boolean> {
  return startOnce(client, feedRun, {
    taskQueue: config.temporal.taskQueue,
    workflowId: `${feedScheduleId(config, feedId)}-now`,
    args: [{ feedId, trigger: 'manual' }],
    workflowRunTimeout: '1h',
  });
}

/**
 * Creates the Schedule of every feed that has none (a Temporal namespace restored or moved): run at worker start,
 * so a feed keeps running without anyone touching it. An existing Schedule is left as it is (its pause included).
 * Returns the ids of the feeds whose Schedule was created; a feed whose stored schedule no longer parses is skipped.
 */
export async function ensureFeedSchedules(client: Client, config: Pick<Config, 'temporal' | 'i18n'>, sql: Sql): Promise<string[]> {
  const created: string[] = [];
  const feeds = await sql<Pick<Feed, 'id' | 'name' | 'paused' | 'schedule'>[]>`SELECT id, name, paused, schedule FROM feeds`;
  for (const feed of feeds) {
    const spec = parseFeedSchedule(feed.schedule);
    if (typeof spec === 'string') continue;
    try {
      await createFeedSchedule(client, config, feed, spec);
      created.push(feed.id);
    } catch (err) {
      if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    }
  }
  return created;
}

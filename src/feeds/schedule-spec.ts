// What an admin types as a feed's schedule (issue 12): an interval ("every 6h") or a cron expression ("0 3 * * *",
// every night at 3). Pure, so the form, REST and the Schedule all read it the same way.

/** The shortest interval between two runs of a feed: a feed is not a poller. */
export const MIN_INTERVAL_SECONDS = 5 * 60;
const MAX_INTERVAL_SECONDS = 31 * 86_400;

/** A feed's schedule as Temporal's ScheduleSpec takes it: `intervals` (seconds) or `cronExpressions`. */
export type FeedScheduleSpec = { kind: 'interval'; seconds: number } | { kind: 'cron'; expression: string };

const UNIT: Record<string, number> = { m: 60, h: 3600, d: 86_400 };
// Each cron field: numbers, names (JAN, MON), *, ranges, lists and steps; Temporal checks the values themselves.
const CRON_FIELD = /^(\*|[0-9A-Za-z]+(-[0-9A-Za-z]+)?)(\/\d+)?(,(\*|[0-9A-Za-z]+(-[0-9A-Za-z]+)?)(\/\d+)?)*$/;

/**
 * Reads a schedule: `30m`, `6h`, `1d` (an interval, at least MIN_INTERVAL_SECONDS, at most 31 days), `@hourly`,
 * `@daily`, `@weekly`, or a 5-field cron expression (minute hour day-of-month month day-of-week, as crontab(5)).
 * Returns the spec, or the reason it is refused (a string).
 */
export function parseFeedSchedule(text: string): FeedScheduleSpec | string {
  const s = text.trim().replace(/\s+/g, ' ');
  if (s === '') return 'the schedule is empty (an interval such as 6h, or a cron expression such as 0 3 * * *)';
  if (s.length > 100) return 'the schedule is longer than 100 characters';
  const interval = /^(?:every\s+)?(\d{1,6})\s*(m|h|d)$/i.exec(s);
  if (interval) {
    const seconds = Number(interval[1]) * UNIT[interval[2]!.toLowerCase()]!;
    if (seconds < MIN_INTERVAL_SECONDS) return `the interval is shorter than ${MIN_INTERVAL_SECONDS / 60} minutes`;
    if (seconds > MAX_INTERVAL_SECONDS) return 'the interval is longer than 31 days';
    return { kind: 'interval', seconds };
  }
  const named: Record<string, string> = { '@hourly': '0 * * * *', '@daily': '0 0 * * *', '@midnight': '0 0 * * *', '@weekly': '0 0 * * 0' };
  if (named[s.toLowerCase()]) return { kind: 'cron', expression: named[s.toLowerCase()]! };
  const fields = s.split(' ');
  if (fields.length !== 5) return 'not an interval (30m, 6h, 1d) nor a 5-field cron expression (minute hour day month weekday)';
  const bad = fields.find((f) => !CRON_FIELD.test(f));
  if (bad) return `"${bad}" is not a cron field`;
  return { kind: 'cron', expression: s };
}

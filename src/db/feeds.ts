// The feeds table and each feed's run history (migration 014, issue 12). SQL in one place.
import type { Sql } from './client';
import type { ImportMode } from '../domain/types';

export interface Feed {
  id: string;
  name: string;
  url: string;
  schedule: string;
  mode: ImportMode;
  mapping_profile: string | null;
  paused: boolean;
  etag: string | null;
  last_modified: string | null;
  last_sha256: string | null;
  created_by: string;
  created_at: Date;
  updated_at: Date;
}

export type FeedOutcome = 'imported' | 'unchanged' | 'failed';
export type FeedTrigger = 'scheduled' | 'manual';

export interface FeedRun {
  id: string;
  feed_id: string;
  started_at: Date;
  finished_at: Date;
  outcome: FeedOutcome;
  triggered_by: FeedTrigger;
  http_status: number | null;
  detail: string | null;
  import_id: string | null;
  sha256: string | null;
  size_bytes: string | null;
}

/** A feed with its last run and the status of the import that run started, if any (the Feeds page's rows). */
export interface FeedWithLastRun extends Feed {
  last_run: FeedRun | null;
  last_import_status: string | null;
}

export interface NewFeed {
  id: string;
  name: string;
  url: string;
  schedule: string;
  mode: ImportMode;
  mappingProfile: string | null;
  createdBy: string;
}

/** Adds a feed; returns false when a feed of that name exists (unique name). */
export async function insertFeed(sql: Sql, f: NewFeed): Promise<boolean> {
  const rows = await sql`
    INSERT INTO feeds (id, name, url, schedule, mode, mapping_profile, created_by)
    VALUES (${f.id}, ${f.name}, ${f.url}, ${f.schedule}, ${f.mode}, ${f.mappingProfile}, ${f.createdBy})
    ON CONFLICT (name) DO NOTHING RETURNING id`;
  return rows.length === 1;
}

export async function getFeed(sql: Sql, id: string): Promise<Feed | null> {
  const [row] = await sql<Feed[]>`SELECT * FROM feeds WHERE id = ${id}`;
  return row ?? null;
}

/** Every feed by name, with its last run. */
export async function listFeeds(sql: Sql): Promise<FeedWithLastRun[]> {
  const feeds = await sql<Feed[]>`SELECT * FROM feeds ORDER BY lower(name)`;
  if (feeds.length === 0) return [];
  const runs = await sql<(FeedRun & { import_status: string | null })[]>`
    SELECT DISTINCT ON (r.feed_id) r.*, i.status AS import_status
    FROM feed_runs r LEFT JOIN imports i ON i.id = r.import_id
    WHERE r.feed_id IN ${sql(feeds.map((f) => f.id))}
    ORDER BY r.feed_id, r.id DESC`;
  const byFeed = new Map(runs.map((r) => [r.feed_id, r]));
  return feeds.map((f) => {
    const run = byFeed.get(f.id);
    if (!run) return { ...f, last_run: null, last_import_status: null };
    const { import_status, ...lastRun } = run;
    return { ...f, last_run: lastRun, last_import_status: import_status };
  });
}

/** The latest runs of a feed, newest first. */
export async function feedRuns(sql: Sql, feedId: string, limit = 20): Promise<FeedRun[]> {
  return sql<FeedRun[]>`SELECT * FROM feed_runs WHERE feed_id = ${feedId} ORDER BY id DESC LIMIT ${limit}`;
}

export async function setFeedPaused(sql: Sql, id: string, paused: boolean): Promise<boolean> {
  const rows = await sql`UPDATE feeds SET paused = ${paused}, updated_at = now() WHERE id = ${id} RETURNING id`;
  return rows.length === 1;
}

export async function deleteFeed(sql: Sql, id: string): Promise<boolean> {
  const rows = await sql`DELETE FROM feeds WHERE id = ${id} RETURNING id`;
  return rows.length === 1;
}

/** One run in the feed's history; with `imported`, the validators and hash it sends back next time. */
export async function recordFeedRun(
  sql: Sql,
  r: { feedId: string; startedAt: Date; outcome: FeedOutcome; trigger: FeedTrigger; httpStatus?: number | null; detail?: string | null; importId?: string | null; sha256?: string | null; sizeBytes?: number | null },
  validators?: { etag: string | null; lastModified: string | null; sha256: string },
): Promise<void> {
  await sql.begin(async (tx) => {
    const exists = await tx`SELECT 1 FROM feeds WHERE id = ${r.feedId} FOR UPDATE`;
    // A feed deleted while it ran: nothing to record it on.
    if (exists.length === 0) return;
    await tx`
      INSERT INTO feed_runs (feed_id, started_at, outcome, triggered_by, http_status, detail, import_id, sha256, size_bytes)
      VALUES (${r.feedId}, ${r.startedAt}, ${r.outcome}, ${r.trigger}, ${r.httpStatus ?? null}, ${r.detail ?? null}, ${r.importId ?? null}, ${r.sha256 ?? null}, ${r.sizeBytes ?? null})`;
    if (validators) {
      await tx`UPDATE feeds SET etag = ${validators.etag}, last_modified = ${validators.lastModified}, last_sha256 = ${validators.sha256} WHERE id = ${r.feedId}`;
    }
  });
}

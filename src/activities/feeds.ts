// The activity of a feed's run (issue 12): download the feed's URL with its validators, and start the normal
// import only when the content changed; otherwise record a cheap "unchanged" run in the feed's history.
import { unlink } from 'node:fs/promises';
import { Context } from '@temporalio/activity';
import type { ActivityDeps } from './deps';
import { getFeed, recordFeedRun, type FeedOutcome, type FeedTrigger } from '../db/feeds';
import { downloadSettings, downloadToIncoming, UrlImportRefused } from '../imports/url-download';
import { startUploadImport, UploadRefused } from '../imports/start-upload';
import { UnknownMappingProfileError } from '../db/mapping-profiles';

export interface FeedRunInput {
  feedId: string;
  trigger: FeedTrigger;
}

/** What a run did (also the feedRun workflow's result, shown in the Temporal Web UI). */
export interface FeedRunResult {
  outcome: FeedOutcome | 'deleted';
  importId: string | null;
  detail: string | null;
}

export function feedActivities(deps: ActivityDeps) {
  return {
    /**
     * One run of a feed. A refusal (address, HTTP status, size, type, unknown mapping profile) is a `failed` run in
     * the history, not a retried activity: retrying cannot fix it and the next scheduled run tries again. An outage
     * of PostgreSQL or Temporal throws (retried by the workflow's policy).
     */
    async runFeed(input: FeedRunInput): Promise<FeedRunResult> {
      const startedAt = new Date();
      const feed = await getFeed(deps.sql, input.feedId);
      if (!feed) return { outcome: 'deleted', importId: null, detail: 'the feed no longer exists' };
      const base = { feedId: feed.id, startedAt, trigger: input.trigger };
      const failed = async (detail: string, httpStatus: number | null = null): Promise<FeedRunResult> => {
        await recordFeedRun(deps.sql, { ...base, outcome: 'failed', detail, httpStatus });
        deps.logger.warn({ feedId: feed.id, feed: feed.name, detail }, 'feed run failed');
        return { outcome: 'failed', importId: null, detail };
      };
      // Validators only once something was imported: a feed whose first import never happened downloads in full.
      const validators = feed.last_sha256 ? { etag: feed.etag, lastModified: feed.last_modified } : {};
      let got;
      try {
        got = await downloadToIncoming(feed.url, deps.config.ingestDir, await downloadSettings(deps.config), validators);
      } catch (err) {
        if (err instanceof UrlImportRefused) return failed(err.message);
        throw err;
      }
      if (got.kind === 'not_modified') {
        const detail = 'not modified (HTTP 304)';
        await recordFeedRun(deps.sql, { ...base, outcome: 'unchanged', httpStatus: 304, detail });
        return { outcome: 'unchanged', importId: null, detail };
      }
      const fresh = { etag: got.etag, lastModified: got.lastModified, sha256: got.sha256 };
      if (got.sha256 === feed.last_sha256) {
        await unlink(got.path).catch(() => {});
        const detail = 'same content as the last import (sha256)';
        await recordFeedRun(deps.sql, { ...base, outcome: 'unchanged', httpStatus: 200, detail, sha256: got.sha256, sizeBytes: got.sizeBytes }, fresh);
        return { outcome: 'unchanged', importId: null, detail };
      }
      let started;
      try {
        started = await startUploadImport({ sql: deps.sql, temporal: Context.current().client, config: deps.config }, { path: got.path, originalName: got.fileName }, {
          mode: feed.mode,
          dryRun: false,
          startedBy: `feed:${feed.name}`,
          // Feeds arrive by the programmatic route: the history's "API" source.
          source: 'api',
          mappingProfile: feed.mapping_profile,
        });
      } catch (err) {
        if (err instanceof UploadRefused || err instanceof UnknownMappingProfileError) return failed(err.message, 200);
        await unlink(got.path).catch(() => {});
        throw err;
      }
      if (!started.started) {
        const detail = 'the same content is already being imported';
        await recordFeedRun(deps.sql, { ...base, outcome: 'unchanged', httpStatus: 200, detail, importId: started.importId, sha256: got.sha256, sizeBytes: got.sizeBytes }, fresh);
        return { outcome: 'unchanged', importId: started.importId, detail };
      }
      await recordFeedRun(deps.sql, { ...base, outcome: 'imported', httpStatus: 200, detail: started.fileName, importId: started.importId, sha256: got.sha256, sizeBytes: got.sizeBytes }, fresh);
      return { outcome: 'imported', importId: started.importId, detail: started.fileName };
    },
  };
}

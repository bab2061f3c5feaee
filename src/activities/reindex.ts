// The steps of a full reindex (workflow reindexCourses). The source is PostgreSQL, so no `_reindex` API.
import { ApplicationFailure, Context, heartbeat } from '@temporalio/activity';
import type { ActivityDeps } from './deps';
import { documentsUpdatedSince, pageOf } from '../db/search-documents';
import { beginReindex, finishReindex, getReindex, setReindexCopied } from '../db/reindexes';
import { indexPages } from '../search/paged-indexing';
import { copyAllCourses, createTargetIndex, dropTargetIndex, newIndexName, openForSearch, startForceMerge, switchAlias } from '../search/reindex';

export interface ReindexInput {
  reindexId: string;
  /** Chosen by the starter (workflow code has no wall clock to name things by). */
  startedAtMs: number;
}

function needEs(deps: ActivityDeps) {
  if (!deps.es) throw new Error('Elasticsearch is disabled by configuration (ELASTICSEARCH_ENABLED=false)');
  return deps.es;
}

export function reindexActivities(deps: ActivityDeps) {
  const alias = deps.config.elasticsearch.alias;
  const bulkSize = deps.config.elasticsearch.bulkSize;
  return {
    /** Creates the new index, then records it as the running reindex: from then on, writers write to it too. */
    async reindexPrepare(input: ReindexInput): Promise<{ target: string }> {
      const es = needEs(deps);
      const target = newIndexName(alias, new Date(input.startedAtMs));
      // The index must exist before writers learn about it, or their writes would create it without the mapping.
      await createTargetIndex(es, target);
      const rec = await beginReindex(deps.sql, input.reindexId, alias, target);
      if (!rec) {
        await dropTargetIndex(es, alias, target);
        throw ApplicationFailure.nonRetryable(`a reindex of "${alias}" is already running`, 'ReindexBusy');
      }
      return { target: rec.target_index };
    },

    /** Copies every course, keyset pages by id; a retry resumes from the last heartbeat. */
    async reindexCopy(input: ReindexInput & { target: string }): Promise<{ copied: number }> {
      const es = needEs(deps);
      const resume = Context.current().info.heartbeatDetails as { after: number; copied: number } | undefined;
      const copied = await copyAllCourses(
        {
          sql: deps.sql,
          es,
          bulkSize,
          concurrency: deps.config.elasticsearch.bulkConcurrency,
          ...(resume ? { from: resume } : {}),
          onProgress: async (p) => {
            await setReindexCopied(deps.sql, input.reindexId, p.copied);
            heartbeat(p);
          },
        },
        input.target,
      );
      return { copied };
    },

    /**
     * Re-copies what changed since the reindex started (belt and braces beside the double writes), refreshes
     * the new index, switches the alias atomically and deletes the old index; then starts merging the new index's
     * segments in the background (startForceMerge). The merge is an optimisation: a failure to start it is logged,
     * the reindex has succeeded. `forceMergeTask`: Elasticsearch's task id, or null.
     */
    async reindexSwitch(input: ReindexInput & { target: string }): Promise<{ previous: string[]; recopied: number; forceMergeTask: string | null }> {
      const es = needEs(deps);
      const rec = await getReindex(deps.sql, input.reindexId);
      const since = rec?.started_at ?? new Date(input.startedAtMs);
      const recopied = await indexPages({
        es,
        targets: [input.target],
        concurrency: deps.config.elasticsearch.bulkConcurrency,
        readPage: (after) => pageOf(documentsUpdatedSince(deps.sql, since, after, bulkSize), bulkSize),
        onProgress: (p) => heartbeat({ recopied: p.indexed }),
      });
      await openForSearch(es, input.target);
      const { previous } = await switchAlias(es, alias, input.target);
      await finishReindex(deps.sql, input.reindexId, 'succeeded', null);
      const merge = await startForceMerge(es, input.target).catch((err: unknown) => {
        deps.logger.warn({ index: input.target, err: err instanceof Error ? err.message : String(err) }, 'reindex: the force merge of the new index did not start');
        return null;
      });
      if (merge) deps.logger.info({ index: input.target, task: merge.task, maxNumSegments: merge.maxNumSegments }, 'reindex: force merge of the new index started');
      return { previous, recopied, forceMergeTask: merge?.task ?? null };
    },

    async reindexAbandon(input: ReindexInput & { target: string | null; error: string }): Promise<void> {
      if (input.target && deps.es) await dropTargetIndex(deps.es, alias, input.target);
      await finishReindex(deps.sql, input.reindexId, 'failed', input.error.slice(0, 2000));
    },
  };
}

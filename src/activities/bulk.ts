// The steps of a bulk action on courses (workflow bulkCourses). PostgreSQL first, in a transaction, then the
// same ids in Elasticsearch (the alias, and a running reindex's new index); each step is safe to retry.
import type { ActivityDeps } from './deps';
import type { BulkAction, BulkInput } from '../contract';
import { createBulkAction, updateBulkAction } from '../db/bulk-actions';
import {
  coursesByIds,
  deleteCourses,
  dropSelection,
  existingCopies,
  insertCopies,
  naturalKeysTaken,
  selectionPage,
  selectionSize,
  setActive,
} from '../db/course-queries';
import { planCopies } from '../courses/duplicate';
import { resolveSelection } from '../courses/selection';
import { documentsByIds } from '../db/search-documents';
import { bulkIndexEverywhere, deleteEverywhere, refreshEverywhere } from '../search/indexer';
import { writeTargets } from '../search/targets';
import { suggestForCourses } from '../categorise/suggest-courses';

export function bulkActivities(deps: ActivityDeps) {
  const { sql, es } = deps;
  const alias = deps.config.elasticsearch.alias;

  async function reindexIds(ids: number[]): Promise<void> {
    if (!es || ids.length === 0) return;
    const targets = await writeTargets(sql, alias);
    await bulkIndexEverywhere(es, targets, await documentsByIds(sql, ids));
    await refreshEverywhere(es, targets);
  }

  return {
    /** Records the action and resolves its selection into bulk_selections; returns how many courses. */
    async bulkResolve(input: Pick<BulkInput, 'bulkId' | 'action' | 'selection' | 'startedBy'>): Promise<{ total: number }> {
      await createBulkAction(sql, input.bulkId, input.action, input.startedBy);
      await resolveSelection({ sql, es, alias }, input.bulkId, input.selection);
      const total = await selectionSize(sql, input.bulkId);
      await updateBulkAction(sql, input.bulkId, { total });
      return { total };
    },

    /** Applies the action to the next page of the selection (ids above `afterId`). */
    async bulkApply(input: { bulkId: string; action: BulkAction; afterId: number; limit: number; processedBefore: number }): Promise<{ lastId: number | null; processed: number; created: number[] }> {
      const ids = await selectionPage(sql, input.bulkId, input.afterId, input.limit);
      if (ids.length === 0) return { lastId: null, processed: 0, created: [] };
      let created: number[] = [];
      switch (input.action) {
        case 'activate':
        case 'deactivate':
          await reindexIds(await setActive(sql, ids, input.action === 'activate'));
          break;
        case 'delete': {
          await deleteCourses(sql, ids);
          if (es) {
            const targets = await writeTargets(sql, alias);
            await deleteEverywhere(es, targets, ids);
            await refreshEverywhere(es, targets);
          }
          break;
        }
        case 'suggest_categories':
          // Pending suggestions for review (issue 14): nothing changes on the courses until a reviewer decides.
          await suggestForCourses(sql, ids);
          break;
        case 'duplicate': {
          const done = await existingCopies(sql, input.bulkId, ids);
          const todo = await coursesByIds(sql, ids.filter((id) => !done.has(id)));
          const planned = await planCopies(todo, (keys) => naturalKeysTaken(sql, keys));
          const fresh = await insertCopies(sql, input.bulkId, planned);
          created = [...done.values(), ...fresh];
          await reindexIds(created);
          break;
        }
      }
      await updateBulkAction(sql, input.bulkId, { processed: input.processedBefore + ids.length });
      return { lastId: ids[ids.length - 1]!, processed: ids.length, created };
    },

    async bulkFinish(input: { bulkId: string; status: 'succeeded' | 'failed' }): Promise<void> {
      await updateBulkAction(sql, input.bulkId, { status: input.status });
      await dropSelection(sql, input.bulkId);
    },
  };
}

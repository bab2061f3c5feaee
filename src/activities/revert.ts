// The activities that undo an import: used by the revertImport workflow, and by importFile itself when it is
// cancelled after its upsert committed. Both run the same code, so "cancelled" and "reverted" mean the same data.
import { ApplicationFailure } from '@temporalio/activity';
import { stepHeartbeat } from './step-heartbeat';
import type { ActivityDeps } from './deps';
import { documentsByIds } from '../db/search-documents';
import { getImport } from '../db/imports';
import {
  laterImportsTouchingSameCourses,
  markReverted,
  restoreBeforeImages,
  revertedCoursesPage,
  revertPlan,
  revertedAt,
  type RevertPlan,
} from '../db/course-revisions';
import { bulkIndexCourses, deleteCourseDocuments, refreshIndex } from '../search/indexer';
import { WRITTEN_STATUSES } from '../contract';

export const REVERT_REFUSED = 'RevertRefused';
/** Only an import whose courses were written can be reverted. */
export const REVERTABLE_STATUSES = WRITTEN_STATUSES;

export interface RevertCheck extends RevertPlan {
  importId: string;
}

/**
 * Refuses (non-retryable) an import that is not finished, already reverted, or whose courses a later import
 * has written since, unless `force`: restoring them would silently undo the later import too.
 */
export function checkRevert(deps: ActivityDeps) {
  return async (args: { importId: string; force: boolean }): Promise<RevertCheck> => {
    const imp = await getImport(deps.sql, args.importId);
    const refuse = (message: string) => ApplicationFailure.create({ type: REVERT_REFUSED, message, nonRetryable: true });
    if (!imp) throw refuse(`no import ${args.importId}`);
    if (await revertedAt(deps.sql, imp.id)) throw refuse(`import ${imp.id} (${imp.file_name}) was already reverted`);
    if (!REVERTABLE_STATUSES.includes(imp.status)) throw refuse(`import ${imp.id} (${imp.file_name}) is ${imp.status}; only a finished import can be reverted`);
    const later = await laterImportsTouchingSameCourses(deps.sql, args.importId);
    if (later.length > 0 && !args.force) throw refuse(laterImportsMessage(later));
    return { importId: args.importId, ...(await revertPlan(deps.sql, args.importId)) };
  };
}

export function laterImportsMessage(later: { id: string; file_name: string; courses: number }[]): string {
  const list = later.map((l) => `${l.file_name} (${l.id}, ${l.courses} course${l.courses === 1 ? '' : 's'})`).join(', ');
  return `later imports changed the same courses since: ${list}; revert them first, or force the revert to overwrite their changes`;
}

/** PostgreSQL: created courses deleted, changed courses back to their before-image (one transaction). */
export function restoreCourses(deps: ActivityDeps) {
  return async (args: { importId: string }): Promise<{ deleted: number; restored: number }> => {
    const result = await restoreBeforeImages(deps.sql, args.importId);
    deps.logger.info({ importId: args.importId, ...result }, 'import undone in PostgreSQL');
    return result;
  };
}

/** Elasticsearch follows PostgreSQL: courses that still exist are reindexed, the others' documents deleted. */
export function syncRevertedCourses(deps: ActivityDeps) {
  return async (args: { importId: string }): Promise<{ reindexed: number; removed: number }> => {
    const { es, sql, config } = deps;
    if (!es) return { reindexed: 0, removed: 0 };
    const alias = config.elasticsearch.alias;
    let after = 0;
    let reindexed = 0;
    let removed = 0;
    for (;;) {
      const page = await revertedCoursesPage(sql, args.importId, after, config.elasticsearch.bulkSize);
      if (page.length === 0) break;
      const gone = page.filter((c) => !c.exists).map((c) => c.id);
      reindexed += await bulkIndexCourses(es, alias, await documentsByIds(sql, page.filter((c) => c.exists).map((c) => c.id)));
      await deleteCourseDocuments(es, alias, gone);
      removed += gone.length;
      after = page[page.length - 1]!.id;
      stepHeartbeat({ after });
    }
    await refreshIndex(es, alias);
    return { reindexed, removed };
  };
}

export function recordRevert(deps: ActivityDeps) {
  return async (args: { importId: string; by: string | null; counts: { deleted: number; restored: number } }): Promise<void> => {
    await markReverted(deps.sql, args.importId, args.by, args.counts);
  };
}

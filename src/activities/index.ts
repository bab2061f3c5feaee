import { guardedStep, type ActivityDeps } from './deps';
import { moveToProcessing } from './move-to-processing';
import { parse } from './parse';
import { plan } from './plan';
import { upsert } from './upsert';
import { indexCourses } from './index-courses';
import { notificationActivities } from './notifications';
import { healthActivities } from './health';
import { archive } from './archive';
import { housekeeping } from './housekeeping';
import { checkRevert, recordRevert, restoreCourses, syncRevertedCourses } from './revert';

import { bulkActivities } from './bulk';
import { reindexActivities } from './reindex';
import { feedActivities } from './feeds';
import { categoriseActivities } from './categorise';
export type { ActivityDeps } from './deps';

/** The steps of an import, bound to their clients. Workflows import only the type of this. */
export function createActivities(deps: ActivityDeps) {
  return {
    moveToProcessing: moveToProcessing(deps),
    // The heavy steps: a file that crashes their worker fails after IMPORT_MAX_CRASHES crashes, and their
    // errors are classified (an outage is retried without limit, a bug or refused data fails the import).
    parse: guardedStep(deps, 'parse', parse(deps)),
    // Step 3 plans the import (duplicates, diffs, categories, counts). Its public step id stays "normalize" (the
    // ledger's step, the REST stepProgress, the metrics' labels, the timeline); "normalize" is also the activity
    // type runs started before the rename still call (importFile, patch 'plan-step-named-plan'): one function.
    plan: guardedStep(deps, 'normalize', plan(deps)),
    normalize: guardedStep(deps, 'normalize', plan(deps)),
    upsert: guardedStep(deps, 'upsert', upsert(deps)),
    index: guardedStep(deps, 'index', indexCourses(deps)),
    ...notificationActivities(deps),
    ...healthActivities(deps),
    archive: archive(deps),
    housekeeping: housekeeping(deps),
    // Undoing an import: the revertImport workflow, and importFile when it is cancelled after its upsert.
    checkRevert: checkRevert(deps),
    restoreCourses: restoreCourses(deps),
    syncRevertedCourses: syncRevertedCourses(deps),
    recordRevert: recordRevert(deps),
    // Bulk actions on courses (bulkCourses) and the full reindex (reindexCourses).
    ...bulkActivities(deps),
    ...reindexActivities(deps),
    // Feeds (issue 12): one run of a feed, download and import when changed.
    ...feedActivities(deps),
    // Auto-categorisation (issue 14): training a model version, suggestions for existing courses.
    ...categoriseActivities(deps),
  };
}

/** Every activity the worker registers (one worker serves every workflow type). */
export type ImportActivities = ReturnType<typeof createActivities>;

// The activities each workflow type may call: a workflow proxies its own type, so it cannot call (or come to
// depend on) another workflow's steps, and the list below says at a glance which steps belong to which workflow.
/** importFile: the seven steps, and undoing its own writes when it is cancelled after the upsert. */
export type ImportFileActivities = Pick<ImportActivities, 'moveToProcessing' | 'parse' | 'plan' | 'normalize' | 'upsert' | 'index' | 'notify' | 'archive' | 'restoreCourses' | 'syncRevertedCourses'>;
/** revertImport: check, restore the before-images, re-index, record. */
export type RevertImportActivities = Pick<ImportActivities, 'checkRevert' | 'restoreCourses' | 'syncRevertedCourses' | 'recordRevert'>;
/** bulkCourses: resolve the selection, apply in batches, finish. */
export type BulkCoursesActivities = Pick<ImportActivities, 'bulkResolve' | 'bulkApply' | 'bulkFinish'>;
/** reindexCourses: prepare a new index, copy, switch the alias (or abandon). */
export type ReindexCoursesActivities = Pick<ImportActivities, 'reindexPrepare' | 'reindexCopy' | 'reindexSwitch' | 'reindexAbandon'>;
/** deliverNotice: plan the channels, send to each, give up after the last retry. */
export type DeliverNoticeActivities = Pick<ImportActivities, 'planDelivery' | 'sendNotice' | 'giveUpNotice'>;
export type DailyDigestActivities = Pick<ImportActivities, 'collectDigest'>;
export type HealthCheckActivities = Pick<ImportActivities, 'checkHealth'>;
export type HousekeepingActivities = Pick<ImportActivities, 'housekeeping'>;
export type FeedRunActivities = Pick<ImportActivities, 'runFeed'>;
export type TrainCategoryModelActivities = Pick<ImportActivities, 'trainCategories'>;

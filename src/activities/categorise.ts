// The auto-categorisation activities (issue 14): training a model version on the catalogue (workflow
// trainCategoryModel, daily Schedule and "Retrain now"), and suggestions for existing courses (bulk action).
// Rows stay in PostgreSQL: only counts and figures cross the workflow's history.
import { heartbeat } from '@temporalio/activity';
import type { ActivityDeps } from './deps';
import { trainFromCatalogue, type TrainingOutcome } from '../categorise/training';
import { suggestForCourses } from '../categorise/suggest-courses';

export function categoriseActivities(deps: ActivityDeps) {
  const { sql, config } = deps;
  return {
    /** Trains, evaluates and stores a new model version; activates it when not worse than the active one. */
    async trainCategories(args: { requestedBy: string }): Promise<TrainingOutcome> {
      const out = await trainFromCatalogue(sql, {
        threshold: config.categories.autoThreshold,
        requestedBy: args.requestedBy,
        progress: (read) => heartbeat({ read }),
      });
      deps.logger.info({ version: out.version, activated: out.activated, trainedOn: out.trainedOn, reason: out.reason }, 'category model trained');
      return out;
    },

    /** Pending suggestions (to review) for existing courses with the active model (see suggestForCourses). */
    async suggestCourseCategories(args: { courseIds: number[] }): Promise<{ suggested: number; modelVersion: number | null }> {
      return suggestForCourses(sql, args.courseIds);
    },
  };
}

// trainCategoryModel (issue 14): trains a new auto-categorisation model version on the catalogue, evaluates it on
// a held-out split, stores it with its evaluation and activates it when it is not worse than the active one.
// Started daily by a Temporal Schedule and by the admin's "Retrain now"; the courses never cross the history.
import { proxyActivities } from '@temporalio/workflow';
import type { TrainCategoryModelActivities } from '../activities';
import type { TrainingOutcome } from '../categorise/training';

const { trainCategories } = proxyActivities<TrainCategoryModelActivities>({
  startToCloseTimeout: '1h',
  heartbeatTimeout: '5m',
  retry: { initialInterval: '10s', maximumInterval: '5m', maximumAttempts: 5 },
});

/** `requestedBy`: 'schedule', or the email of the admin who pressed "Retrain now". */
export async function trainCategoryModel(args: { requestedBy: string } = { requestedBy: 'schedule' }): Promise<TrainingOutcome> {
  return trainCategories({ requestedBy: args.requestedBy });
}

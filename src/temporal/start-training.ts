// "Retrain now" on the models page: one on-demand training of the categorisation model at a time.
import type { Client } from '@temporalio/client';
import type { Config } from '../config';
import { trainCategoryModel } from '../workflows';
import { startOnce } from './start-once';

/** The fixed workflow id of an on-demand training (the daily Schedule's runs have their own ids). */
export function trainingNowWorkflowId(config: Pick<Config, 'temporal'>): string {
  return `${config.temporal.taskQueue}-category-model-now`;
}

/**
 * Starts trainCategoryModel now unless an on-demand training is still running (a double click trains once).
 * @returns the workflow id and whether this call started it.
 * @throws what the Temporal client throws when the server cannot be reached.
 */
export async function startCategoryTraining(client: Client, config: Pick<Config, 'temporal'>, requestedBy: string): Promise<{ workflowId: string; started: boolean }> {
  const workflowId = trainingNowWorkflowId(config);
  const started = await startOnce(client, trainCategoryModel, { taskQueue: config.temporal.taskQueue, workflowId, args: [{ requestedBy }] });
  return { workflowId, started };
}

import { activityInfo, ApplicationFailure } from '@temporalio/activity';
import type { Sql } from '../db/client';
import type { SearchClient } from '../search/client';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { FileValidationError } from '../domain/types';
import type { Notifier } from '../notify/deliver';
import { classifyFailure, describeFinalFailure, UNKNOWN_FAILURE_ATTEMPTS } from './failure-class';
import { endStepAttempt, startNextStepAttempt, startStepAttempt } from '../db/step-attempts';

export interface ActivityDeps {
  sql: Sql;
  /** null when Elasticsearch is disabled by configuration. */
  es: SearchClient | null;
  config: Pick<Config, 'ingestDir' | 'limits' | 'batchSize' | 'elasticsearch' | 'publicUrl' | 'temporal' | 'health' | 'maxCrashes' | 'retention' | 'urlImport' | 'dryRunTimeoutSeconds' | 'heartbeatTimeoutSeconds' | 'categories' | 'worker'>;
  notifier: Notifier;
  logger: Logger;
}

export const FILE_VALIDATION_FAILURE = 'FileValidationError';

/** The failure type of a step that failed for a reason retrying cannot fix (see failure-class.ts). */
export const STEP_FAILURE = 'StepFailed';

/**
 * What a step's error becomes for Temporal. File-level problems are final (the workflow archives the file to
 * error/); an outage is rethrown as is (retried with backoff, without limit); a bug or data PostgreSQL refuses
 * is final at once; an unknown failure is retried UNKNOWN_FAILURE_ATTEMPTS times, then final. `attempt` is the
 * activity's attempt number (1-based).
 */
export function asActivityFailure(err: unknown, attempt = 1): unknown {
  if (err instanceof FileValidationError) {
    return ApplicationFailure.create({
      type: FILE_VALIDATION_FAILURE,
      message: err.message,
      nonRetryable: true,
      details: [{ code: err.code, ...(err.params ? { params: err.params } : {}) }],
    });
  }
  if (err instanceof ApplicationFailure) return err;
  const kind = classifyFailure(err);
  if (kind === 'outage') return err;
  if (kind === 'final' || attempt >= UNKNOWN_FAILURE_ATTEMPTS) {
    const after = kind === 'final' ? 'not retried: retrying cannot fix it' : `failed ${attempt} times in a row: not retried any more`;
    return ApplicationFailure.create({
      type: STEP_FAILURE,
      message: `${describeFinalFailure(err)} (${after})`,
      nonRetryable: true,
      details: [{ code: kind === 'final' ? 'step_failed' : 'step_failed_repeatedly' }],
      cause: err instanceof Error ? err : undefined,
    });
  }
  return err;
}

/** Runs a step's body, turning its errors into what Temporal should do with them (asActivityFailure). */
export async function failingFast<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw asActivityFailure(err, currentActivity().attempt);
  }
}

/**
 * The running activity's attempt (1 first) and whether it is a local activity. Outside an activity (unit tests
 * call step bodies directly) it is a first attempt of an activity task.
 */
function currentActivity(): { attempt: number; isLocal: boolean } {
  try {
    const { attempt, isLocal } = activityInfo();
    return { attempt, isLocal };
  } catch {
    return { attempt: 1, isLocal: false };
  }
}

/**
 * A heavy import step (parse, plan, upsert, index) guarded against files that crash the worker: each attempt is
 * recorded when it starts and closed when it ends with its worker alive; when IMPORT_MAX_CRASHES earlier attempts
 * never closed, the file is failed ("the file crashed the worker") instead of being taken back again. Errors are
 * classified as in failingFast.
 */
export function guardedStep<A extends { importId: string }, R>(deps: ActivityDeps, step: string, body: (args: A) => Promise<R>): (args: A) => Promise<R> {
  return async (args) => {
    const { attempt, isLocal } = currentActivity();
    try {
      // A local step's attempt numbers restart at 1 on the worker that takes over after a crash: its attempts are
      // numbered by the ledger instead (startNextStepAttempt).
      const recorded = isLocal ? await startNextStepAttempt(deps.sql, args.importId, step) : { attempt, unended: await startStepAttempt(deps.sql, args.importId, step, attempt) };
      const crashes = recorded.unended;
      if (crashes >= deps.config.maxCrashes) {
        throw ApplicationFailure.create({
          type: STEP_FAILURE,
          message: `the file crashed the worker: its ${step} step ended with the worker ${crashes} times (out of memory, killed or stuck); it is not tried again`,
          nonRetryable: true,
          details: [{ code: 'worker_crashed' }],
        });
      }
      try {
        return await body(args);
      } finally {
        // Best effort: if PostgreSQL went down just now, this attempt stays open and later counts as a crash (a rare
        // over-count, bounded by IMPORT_MAX_CRASHES; the outage itself is retried as usual).
        await endStepAttempt(deps.sql, args.importId, step, recorded.attempt).catch(() => {});
      }
    } catch (err) {
      throw asActivityFailure(err, attempt);
    }
  };
}

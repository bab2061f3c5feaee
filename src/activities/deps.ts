import { ApplicationFailure } from '@temporalio/activity';
import type { Sql } from '../db/client';
import type { SearchClient } from '../search/client';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { FileValidationError } from '../domain/types';
import type { Notifier } from '../notify/deliver';

export interface ActivityDeps {
  sql: Sql;
  /** null when Elasticsearch is disabled by configuration. */
  es: SearchClient | null;
  config: Pick<Config, 'ingestDir' | 'limits' | 'batchSize' | 'elasticsearch' | 'publicUrl' | 'temporal' | 'health'>;
  notifier: Notifier;
  logger: Logger;
}

export const FILE_VALIDATION_FAILURE = 'FileValidationError';

/** File-level problems are final: Temporal must not retry them, the workflow archives the file to error/. */
export function asActivityFailure(err: unknown): unknown {
  if (err instanceof FileValidationError) {
    return ApplicationFailure.create({
      type: FILE_VALIDATION_FAILURE,
      message: err.message,
      nonRetryable: true,
      details: [{ code: err.code }],
    });
  }
  return err;
}

export async function failingFast<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw asActivityFailure(err);
  }
}

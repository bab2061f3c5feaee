import { heartbeat } from '@temporalio/activity';
import type { ActivityDeps } from './deps';
import { SAMPLE_SIZE, type ImportMode, type Preview } from '../contract';
import { changedFields, courseContentHash, normalizeCourse } from '../domain/normalize';
import {
  analyzeStaging,
  countActions,
  markDuplicateKeys,
  planActions,
  readRawBatch,
  readUpdatesToDiff,
  samplePlannedChanges,
  sampleRowErrors,
  writeChanges,
  writeNormalized,
  type NormalizedRow,
} from '../db/staging';
import { updateImport } from '../db/imports';

export function normalizeRow(rowNumber: number, raw: Record<string, unknown>): NormalizedRow {
  const result = normalizeCourse(raw);
  if (!result.ok) return { row_number: rowNumber, course: null, natural_key: null, content_hash: null, errors: result.errors, warnings: null };
  return {
    row_number: rowNumber,
    course: result.course,
    natural_key: result.course.natural_key,
    content_hash: courseContentHash(result.course),
    errors: null,
    warnings: result.warnings.length ? result.warnings : null,
  };
}

/**
 * Step 3. Validates and normalises every staged row (a pure function of the raw row), then plans what each
 * row would do against the current courses: create / update (with the changed fields) / unchanged / skipped / error.
 * Row-level failures are stored beside their row; they never fail the file.
 */
export function normalize(deps: ActivityDeps) {
  return async (args: { importId: string; mode: ImportMode; dryRun: boolean }): Promise<Preview> => {
    const { sql, config } = deps;
    const { importId } = args;
    // Normalising is CPU work in this process, reading and writing are PostgreSQL's: the next batch is read and
    // the previous one written while this one is normalised (at most one of each in flight).
    let done = 0;
    let next = readRawBatch(sql, importId, 0, config.batchSize);
    let writing: Promise<void> = Promise.resolve();
    for (;;) {
      const batch = await next;
      if (batch.length === 0) break;
      next = readRawBatch(sql, importId, batch[batch.length - 1]!.row_number, config.batchSize);
      next.catch(() => {}); // awaited at the top of the loop; this only keeps a failure from being "unhandled" meanwhile
      const rows = batch.map((r) => normalizeRow(r.row_number, r.raw));
      await writing;
      writing = (async () => {
        await writeNormalized(sql, importId, rows);
        done += rows.length;
        await updateImport(sql, importId, { rows_normalized: done });
        heartbeat({ done });
      })();
      writing.catch(() => {}); // awaited before the next write and after the loop
    }
    await writing;

    await analyzeStaging(sql, done);
    await markDuplicateKeys(sql, importId);
    await planActions(sql, importId, args.mode);

    let after = 0;
    for (;;) {
      const batch = await readUpdatesToDiff(sql, importId, after, config.batchSize);
      if (batch.length === 0) break;
      await writeChanges(
        sql,
        importId,
        batch.map((r) => ({ row_number: r.row_number, changes: changedFields(r.current, r.course) })),
      );
      after = batch[batch.length - 1]!.row_number;
      heartbeat({ diffed: after });
    }

    const counts = await countActions(sql, importId);
    await updateImport(sql, importId, {
      counts,
      step: args.dryRun ? 'awaitConfirmation' : 'upsert',
      ...(args.dryRun ? { status: 'awaiting_confirmation' as const } : {}),
    });
    return {
      importId,
      counts,
      errors: await sampleRowErrors(sql, importId, SAMPLE_SIZE),
      changes: await samplePlannedChanges(sql, importId, SAMPLE_SIZE),
    };
  };
}

import { stepHeartbeat } from './step-heartbeat';
import type { ActivityDeps } from './deps';
import { SAMPLE_SIZE, type ImportMode, type Preview, type WarningRef } from '../contract';
import { changedFields } from '../domain/normalize';
import {
  countActions,
  markDuplicateKeys,
  readUpdatesToDiff,
  samplePlannedChanges,
  sampleRowErrors,
  sampleRowWarnings,
  writeChanges,
} from '../db/staging';
import { getImport, updateImport } from '../db/imports';
import { categoriseRows } from './categorise-rows';
import { loadCategoriser } from '../categorise/load';

/** The file's warnings first (they concern every row), then the first row warnings: SAMPLE_SIZE in all at most. */
async function warningsSample(sql: ActivityDeps['sql'], importId: string): Promise<WarningRef[]> {
  const fileWarnings: WarningRef[] = ((await getImport(sql, importId))?.warnings ?? []).slice(0, SAMPLE_SIZE);
  return [...fileWarnings, ...(await sampleRowWarnings(sql, importId, SAMPLE_SIZE - fileWarnings.length))];
}

/**
 * Step 3. Completes the plan of the staged rows (normalised, and planned against the current courses, by the
 * parse step): marks a course that appears twice in the file, diffs each update field by field, and counts
 * create / update / unchanged / skipped / error. Set-based statements, except the field-by-field diff.
 */
export function plan(deps: ActivityDeps) {
  return async (args: { importId: string; mode: ImportMode; dryRun: boolean }): Promise<Preview> => {
    const { sql, config } = deps;
    const { importId } = args;
    await markDuplicateKeys(sql, importId);
    // The taxonomy category of each row to write (issue 14): matched, created, refused or suggested by the model.
    await categoriseRows(deps, importId, loadCategoriser, (row) => stepHeartbeat({ categorised: row }));

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
      stepHeartbeat({ diffed: after });
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
      warnings: await warningsSample(sql, importId),
    };
  };
}

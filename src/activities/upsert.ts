import type { ActivityDeps } from './deps';
import type { ActionCounts, ImportMode } from '../contract';
import { applyImport } from '../db/courses';
import { countActions } from '../db/staging';
import { updateImport } from '../db/imports';

/** Step 4. One transaction from staging into courses and lessons, keyed by the natural key. */
export function upsert(deps: ActivityDeps) {
  return async (args: { importId: string; mode: ImportMode }): Promise<ActionCounts> => {
    await updateImport(deps.sql, args.importId, { status: 'processing', step: 'upsert' });
    const written = await applyImport(deps.sql, args.importId, args.mode);
    const counts = await countActions(deps.sql, args.importId);
    await updateImport(deps.sql, args.importId, { rows_upserted: counts.created + counts.updated, step: 'index', counts });
    deps.logger.info({ importId: args.importId, written, counts }, 'courses upserted');
    return counts;
  };
}

// What an admin can do to an import from its page: confirm or discard a dry run (signals to the waiting
// run, nothing is uploaded again), cancel a running import, revert a finished one (the revertImport workflow).
import type { Client } from '@temporalio/client';
import type { Config } from '../config';
import type { Sql } from '../db/client';
import { importDetail, type ImportDetail } from '../db/import-history';
import { laterImportsTouchingSameCourses } from '../db/course-revisions';
import { confirmSignal, discardSignal } from '../contract';
import { revertImport } from '../workflows';
import { revertWorkflowId } from '../workflows/revert-import';
import { laterImportsMessage, REVERTABLE_STATUSES } from '../activities/revert';
import { OPEN_STATUSES } from './status';
import { startOnce } from '../temporal/start-once';

/** A decision the import's state refuses; `message` is English (REST, CLI), `i18n` says it in a person's language. */
export class ActionRefused extends Error {
  override readonly name = 'ActionRefused';
  constructor(
    readonly status: 404 | 409,
    message: string,
    /** The catalogue key (locales/<language>.json, imports.refused.*) and its values; `status` values are status codes. */
    readonly i18n?: { key: string; params?: Record<string, string | number> },
  ) {
    super(message);
  }
}

interface Deps {
  sql: Sql;
  temporal: Client;
  config: Pick<Config, 'temporal'>;
}

async function load(sql: Sql, id: string): Promise<ImportDetail> {
  const imp = await importDetail(sql, id);
  if (!imp) throw new ActionRefused(404, 'There is no such import.', { key: 'errors.noSuchImport' });
  return imp;
}

export async function decideDryRun(deps: Deps, id: string, decision: 'confirm' | 'discard'): Promise<ImportDetail> {
  const imp = await load(deps.sql, id);
  if (imp.status !== 'awaiting_confirmation') {
    throw new ActionRefused(409, `This import is ${imp.status.replace(/_/g, ' ')}: there is no preview waiting for a decision.`, { key: 'imports.refused.noPreview', params: { status: imp.status } });
  }
  await deps.temporal.workflow.getHandle(imp.workflow_id).signal(decision === 'confirm' ? confirmSignal : discardSignal);
  return imp;
}

export async function cancelImport(deps: Deps, id: string): Promise<ImportDetail> {
  const imp = await load(deps.sql, id);
  if (!OPEN_STATUSES.includes(imp.status) || imp.finished_at) throw new ActionRefused(409, `This import is already ${imp.status.replace(/_/g, ' ')}.`, { key: 'imports.refused.alreadyDone', params: { status: imp.status } });
  await deps.temporal.workflow.getHandle(imp.workflow_id).cancel();
  return imp;
}

export function canRevert(imp: Pick<ImportDetail, 'status' | 'reverted_at' | 'dry_run'>): boolean {
  return REVERTABLE_STATUSES.includes(imp.status) && !imp.reverted_at;
}

/**
 * Starts revertImport (id revert-<importId>). Refused at once, with the list, when later imports changed the
 * same courses, unless `force`; the workflow checks again, since an import may land in between.
 */
export async function startRevert(deps: Deps, id: string, opts: { requestedBy: string; force: boolean }): Promise<{ workflowId: string; started: boolean }> {
  const imp = await load(deps.sql, id);
  if (imp.reverted_at) throw new ActionRefused(409, 'This import was already reverted.', { key: 'imports.refused.alreadyReverted' });
  if (!canRevert(imp)) throw new ActionRefused(409, `This import is ${imp.status.replace(/_/g, ' ')}; only a finished import can be reverted.`, { key: 'imports.refused.notFinished', params: { status: imp.status } });
  const later = await laterImportsTouchingSameCourses(deps.sql, id);
  if (later.length > 0 && !opts.force) throw new ActionRefused(409, `Not reverted: ${laterImportsMessage(later)}.`, { key: 'imports.refused.laterImports', params: { files: later.map((l) => l.file_name).join(', ') } });
  const workflowId = revertWorkflowId(id);
  const started = await startOnce(deps.temporal, revertImport, {
    taskQueue: deps.config.temporal.taskQueue,
    workflowId,
    args: [{ importId: id, requestedBy: opts.requestedBy, force: opts.force }],
  });
  return { workflowId, started };
}

// Dropping files the way a producer does and waiting for their imports: the timing of W1 and W2.
import { copyFile, rename } from 'node:fs/promises';
import path from 'node:path';
import type { TestEnv } from '../test/support/env';
import type { ImportRecord } from '../src/db/imports';
import { ensureCourseIndex } from '../src/search/indexer';
import { stageTimes } from './history';
import { median, sleep } from './stats';

/** Copies `file` into drop/ under a dot-name, then renames it: the watcher sees a whole file. Returns the drop time. */
export async function dropFile(t: TestEnv, file: string, name: string): Promise<number> {
  const tmp = path.join(t.folder('drop'), `.${name}.part`);
  await copyFile(file, tmp);
  const at = Date.now();
  await rename(tmp, path.join(t.folder('drop'), name));
  return at;
}

/**
 * The finished imports of `fileNames` recorded at or after `since`, once every name has one. While waiting it
 * only counts them (one row back per poll): reading every finished row at each poll cost the machine under test
 * more as a burst went on (W2, 1,000 files: some 350,000 ledger rows read and parsed in all, by PostgreSQL and
 * by this process, CPU the no-op floor did not pay). Throws when `timeoutMs` passes first.
 */
export async function waitForImports(t: TestEnv, fileNames: string[], since: Date, timeoutMs: number): Promise<ImportRecord[]> {
  const deadline = Date.now() + timeoutMs;
  const finished = t.sql`file_name = ANY(${fileNames}::text[]) AND created_at >= ${since} AND finished_at IS NOT NULL`;
  for (;;) {
    const [{ n } = { n: 0 }] = await t.sql<{ n: number }[]>`SELECT count(DISTINCT file_name)::int AS n FROM imports WHERE ${finished}`;
    if (n >= fileNames.length) return t.sql<ImportRecord[]>`SELECT * FROM imports WHERE ${finished}`;
    if (Date.now() > deadline) throw new Error(`${fileNames.length - n} of ${fileNames.length} imports did not finish within ${timeoutMs / 1000} s`);
    await sleep(fileNames.length > 1 ? 200 : 50);
  }
}

export interface ImportTiming {
  ms: number;
  record: ImportRecord;
  /** wait = drop -> workflow start (watcher), then the activities, then "other" (workflow tasks between them). */
  stages: Record<string, number>;
}

export function medianStages(timings: Pick<ImportTiming, 'stages'>[]): Record<string, number> {
  const names = new Set(timings.flatMap((x) => Object.keys(x.stages)));
  return Object.fromEntries([...names].map((n) => [n, median(timings.map((x) => x.stages[n] ?? 0))]));
}

/** The stages of an import that ended at `finishedAt`, dropped at `droppedAt`, read from its workflow history. */
export async function importStages(t: TestEnv, record: ImportRecord, droppedAt: number): Promise<Record<string, number>> {
  const ms = record.finished_at!.getTime() - droppedAt;
  const h = await stageTimes(t.client, record.workflow_id);
  const stages: Record<string, number> = { wait: Math.max(0, h.startedAt - droppedAt), ...h.stages };
  const accounted = Object.values(stages).reduce((a, b) => a + b, 0);
  stages.other = Math.max(0, ms - accounted);
  return stages;
}

/** One file end to end: from its arrival in drop/ to its ledger's finished_at (searchable and archived). */
export async function importOne(t: TestEnv, file: string, name: string, timeoutMs: number): Promise<ImportTiming> {
  // Only this drop's import: an earlier import of the same name (the re-import case) was recorded before now.
  const since = new Date();
  const droppedAt = await dropFile(t, file, name);
  const [record] = await waitForImports(t, [name], since, timeoutMs);
  if (!record?.finished_at) throw new Error(`no finished import for ${name}`);
  if (record.status !== 'succeeded') throw new Error(`import of ${name} ended ${record.status}: ${record.error_message ?? ''}`);
  return { ms: record.finished_at.getTime() - droppedAt, record, stages: await importStages(t, record, droppedAt) };
}

/**
 * Empties the catalogue (courses, lessons, the import ledger and what hangs on them) and the course index, so the
 * next import is a first import into an empty catalogue. Throws what PostgreSQL or Elasticsearch answer.
 */
export async function emptyCatalogue(t: TestEnv): Promise<void> {
  await t.sql.unsafe('TRUNCATE courses, lessons, imports RESTART IDENTITY CASCADE');
  await t.es.indices.delete({ index: `${t.config.elasticsearch.alias}_*`, ignore_unavailable: true, allow_no_indices: true });
  await ensureCourseIndex(t.es, t.config.elasticsearch.alias);
}

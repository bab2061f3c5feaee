// The housekeeping Schedule's workflow on the real stack: staged rows of old finished imports purged (errors and
// applied rows kept), files no import owns removed from incoming/ and processing/ once old enough, and the run
// shown on the monitoring snapshot.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readdir, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createTestEnv, type TestEnv } from '../support/env';
import { startImport } from '../../src/temporal/start-import';
import { housekeeping } from '../../src/workflows';
import type { ImportSummary } from '../../src/contract';
import type { HousekeepingResult } from '../../src/activities/housekeeping';
import { lastHousekeeping } from '../../src/db/housekeeping';
import { importOutcome } from '../../src/temporal/import-outcome';

let t: TestEnv;

before(async () => {
  t = await createTestEnv('housekeeping', { STAGING_RETENTION: '1d', ORPHAN_FILE_AGE: '1h' });
  await t.startWorker();
});

after(async () => {
  await t?.close();
});

async function runImport(name: string, content: string): Promise<ImportSummary> {
  const file = path.join(t.folder('incoming'), `${randomUUID()}.csv`);
  await writeFile(file, content);
  const started = await startImport(t.client, t.config, { path: file, fileName: name, source: 'cli', mode: 'create_or_update', dryRun: false, startedBy: 'test' });
  return await importOutcome(t.client.workflow.getHandle(started.workflowId));
}

async function oldFile(folder: 'incoming' | 'processing', name: string, hoursAgo: number): Promise<void> {
  const file = path.join(t.folder(folder), name);
  await writeFile(file, 'title\nleft behind\n');
  const when = new Date(Date.now() - hoursAgo * 3_600_000);
  await utimes(file, when, when);
}

test('old staged rows that changed nothing are purged, errors and applied rows kept; debris removed, recent files kept', async () => {
  // An import two days old: one row created, one unchanged-to-be, one error. Then the same catalogue again.
  const csv = 'title,difficulty,price\n"Kept course",beginner,5\n"Bad row",nope,5\n';
  const first = await runImport('old.csv', csv);
  assert.equal(first.status, 'succeeded_with_errors');
  const again = await runImport('again.csv', `${csv}"Second course",advanced,9\n`);
  assert.equal(again.counts.unchanged, 1);
  await t.sql`UPDATE imports SET finished_at = now() - interval '2 days' WHERE id IN (${first.importId}, ${again.importId})`;
  const recent = await runImport('recent.csv', 'title,price\n"Recent course",1\n"Recent twin",1\n');

  await oldFile('incoming', 'abandoned-upload', 3);
  await oldFile('incoming', 'fresh-upload', 0);
  const strayId = randomUUID();
  await oldFile('processing', `${strayId}__stray.csv`, 5);
  await oldFile('processing', `${recent.importId}__recent.csv`, 5); // its import is known: not debris
  // The folders' own hidden files (the repository keeps processing/ with a .gitkeep) and a file naming no import stay.
  await oldFile('processing', '.gitkeep', 48);
  await oldFile('incoming', '.gitkeep', 48);
  await oldFile('processing', 'README.txt', 48);

  const result = (await t.client.workflow.execute(housekeeping, { taskQueue: t.config.temporal.taskQueue, workflowId: `housekeeping-${t.name}` })) as HousekeepingResult;
  assert.deepEqual(result.filesRemoved.map((f) => `${f.folder}/${f.name}`).sort(), ['incoming/abandoned-upload', `processing/${strayId}__stray.csv`]);
  assert.ok((await readdir(t.folder('incoming'))).includes('fresh-upload'), 'a recent upload is kept');
  assert.ok((await readdir(t.folder('incoming'))).includes('.gitkeep'), "incoming/'s .gitkeep is kept");
  assert.deepEqual((await readdir(t.folder('processing'))).sort(), ['.gitkeep', 'README.txt', `${recent.importId}__recent.csv`].sort());

  const rowsOf = async (id: string) => (await t.sql<{ row_number: number }[]>`SELECT row_number FROM import_rows WHERE import_id = ${id} ORDER BY row_number`).map((r) => r.row_number);
  assert.deepEqual(await rowsOf(first.importId), [2, 3], 'the applied row and the error row of the first import stay');
  assert.deepEqual(await rowsOf(again.importId), [3, 4], "the second import's unchanged row is gone; its error and its created row stay");
  assert.deepEqual(await rowsOf(recent.importId), [2, 3], 'a recent import is not touched');
  assert.equal(result.importsPurged, 2);
  assert.equal(result.stagedRowsPurged, 1);
  const [imp] = await t.sql`SELECT counts, staging_purged_at FROM imports WHERE id = ${again.importId}`;
  assert.ok(imp!.staging_purged_at instanceof Date);
  assert.equal(imp!.counts.unchanged, 1, 'the counts stay on the ledger');

  const last = await lastHousekeeping(t.sql);
  assert.equal(last?.files_removed.length, 2);
  // A second run finds nothing more to do.
  const second = (await t.client.workflow.execute(housekeeping, { taskQueue: t.config.temporal.taskQueue, workflowId: `housekeeping-2-${t.name}` })) as HousekeepingResult;
  assert.deepEqual([second.stagedRowsPurged, second.filesRemoved.length, second.importsPurged], [0, 0, 0]);
});

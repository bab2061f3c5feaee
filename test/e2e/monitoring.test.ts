// The monitoring page in a real browser: an import started while the page is open appears in "Running
// imports" without a reload (public/monitoring.js polls the JSON snapshot), with the workers shown polling.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { jsErrors, login, startE2E, type E2E } from './support/browser';
import { startImport } from '../../src/temporal/start-import';
import { discardSignal } from '../../src/contract';
import { toCsv } from '../../src/domain/templates';
import { importOutcome } from '../../src/temporal/import-outcome';

let e: E2E;

before(async () => {
  e = await startE2E('e2emonitoring', { worker: true });
});

after(async () => {
  await e?.close();
});

describe('monitoring', () => {
  test('shows a running import live, and the workers polling', async () => {
    const user = await e.createUser('viewer');
    const page = await e.newPage();
    await login(page, user.email, user.password);
    await page.goto('/admin-dashboard/pipeline/monitoring/');
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Pipeline monitoring');
    await page.getByText('No import is running.').waitFor();
    assert.equal(await page.locator('[data-mon="workers"]').textContent(), 'polling');

    // A dry run stays open (awaiting confirmation) until decided: a running import to watch.
    const t = e.admin.t;
    const file = path.join(t.folder('incoming'), 'monitored.csv');
    await writeFile(file, toCsv([{ title: 'Monitored course', description: `run ${t.name}`, difficulty: 'beginner', learning_mode: 'text', price: 0, is_free: true }]));
    const started = await startImport(t.client, t.config, { path: file, fileName: 'monitored.csv', source: 'api', mode: 'create_or_update', dryRun: true, startedBy: user.email });

    // The content (hence the workflow id) is unique to this run: a run of another test file cannot collide.
    assert.equal(started.started, true);
    const row = page.locator(`[data-mon="running"] tr[data-workflow-id="${started.workflowId}"]`);
    await page.locator(`[data-mon="running"] tr[data-workflow-id="${started.workflowId}"] [data-status="awaiting_confirmation"]`).waitFor({ timeout: 30_000 });
    assert.ok((await row.textContent())?.includes('monitored.csv'), 'the file name, from the ledger');
    assert.equal(await row.getByRole('link', { name: 'monitored.csv' }).getAttribute('href'), `/admin-dashboard/imports/${started.importId}/`);

    await t.client.workflow.getHandle(started.workflowId).signal(discardSignal);
    await importOutcome(t.client.workflow.getHandle(started.workflowId));
    await page.getByText('No import is running.').waitFor({ timeout: 30_000 });
    assert.deepEqual(jsErrors(page), []);
  });
});

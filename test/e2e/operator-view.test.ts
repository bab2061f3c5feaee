// What content admins and operators read in a real browser: a long file name and long audit codes wrap inside
// the page (no sideways scrolling), the technical details stay folded until opened, and an audit target is a link.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { jsErrors, login, startE2E, type E2E } from './support/browser';
import { startImport } from '../../src/temporal/start-import';
import { importOutcome } from '../../src/temporal/import-outcome';
import { recordAudit } from '../../src/db/audit';
import { toCsv } from '../../src/domain/templates';

let e: E2E;

before(async () => {
  e = await startE2E('e2eoperator', { worker: true });
});

after(async () => {
  await e?.close();
});

/** True when the page (or the element) is wider than its box: the reader would have to scroll sideways. */
async function overflows(page: Page, selector = 'html'): Promise<boolean> {
  return page.locator(selector).first().evaluate((el) => el.scrollWidth > el.clientWidth + 1);
}

describe('operator view', () => {
  test('a long file name wraps; internal names wait under Technical details', async () => {
    const t = e.admin.t;
    const longName = `${'catalogue_du_printemps_'.repeat(9)}final.csv`;
    const file = path.join(t.folder('incoming'), 'long.csv');
    await writeFile(file, toCsv([{ title: 'Long name course', description: `run ${t.name}`, difficulty: 'beginner', learning_mode: 'text', price: 0, is_free: true }]));
    const started = await startImport(t.client, t.config, { path: file, fileName: longName, source: 'api', mode: 'create_or_update', dryRun: false, startedBy: 'e2e' });
    assert.equal((await importOutcome(t.client.workflow.getHandle(started.workflowId))).status, 'succeeded');

    const user = await e.createUser('viewer');
    const page = await e.newPage();
    await page.setViewportSize({ width: 800, height: 900 });
    await login(page, user.email, user.password);
    await page.goto(`/admin-dashboard/imports/${started.importId}/`);
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), longName);
    assert.equal(await overflows(page), false, 'the page does not scroll sideways');
    assert.equal(await page.locator('[data-live="step"]').textContent(), 'Finished');
    const timeline = page.locator('#timeline-table');
    assert.equal(await timeline.isVisible(), false, 'the run steps are folded away');
    await page.getByText('Technical details').click();
    assert.equal(await timeline.isVisible(), true);
    assert.ok((await timeline.textContent())?.includes('moveToProcessing'));

    // An audit entry with a long code and target: it wraps, and its target opens the import.
    await recordAudit(t.sql, { actor: 'e2e', action: 'import.start', target: started.importId, ip: '127.0.0.1', detail: { fileName: longName } });
    await recordAudit(t.sql, { actor: 'e2e', action: `bulk.${'very_long_action_code_'.repeat(6)}`, target: 'x'.repeat(180), ip: '127.0.0.1' });
    // The audit table has six columns: a desktop window.
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto('/admin-dashboard/audit/');
    assert.equal(await overflows(page), false);
    assert.equal(await overflows(page, '.table-wrap'), false, 'the audit table fits its box');
    await page.locator(`a[href="/admin-dashboard/imports/${started.importId}/"]`).first().click();
    await page.waitForURL(`**/admin-dashboard/imports/${started.importId}/`);
    assert.deepEqual(jsErrors(page), []);
  });
});

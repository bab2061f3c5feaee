// Facet counts estimated on a sample, as a French admin sees them in a real browser: "≈" before each estimated
// count, the sentence saying why and that the total is exact; a narrower search shows exact counts and no sentence.
// The thresholds are lowered (20 matches, a sample of 10) so a small catalogue crosses them.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { jsErrors, login, startE2E, type E2E } from './support/browser';
import { course, importJson } from '../integration/courses-helpers';

let e: E2E;
const COURSES = 60;

before(async () => {
  e = await startE2E('e2efacetsample', { worker: true, env: { ELASTICSEARCH_EXACT_FACETS_UP_TO: '20', ELASTICSEARCH_FACET_SAMPLE_SIZE: '10' } });
  const catalogue = Array.from({ length: COURSES }, (_, i) =>
    course(`Python volume ${i}${i < 5 ? ' avancé' : ''}`, { difficulty: i % 2 ? 'beginner' : 'advanced', external_id: `py-${i}` }),
  );
  const s = await importJson(e.admin.t, catalogue);
  assert.equal(s.counts.created, COURSES);
});

after(async () => {
  await e?.close();
});

describe('estimated facet counts', () => {
  test('a broad search marks its facet counts ≈ and says why, in French; a narrow one shows exact counts', async () => {
    const admin = await e.createUser('viewer');
    const page = await e.newPage({ acceptLanguage: 'fr' });
    await login(page, admin.email, admin.password);
    await page.goto('/admin-dashboard/courses/?q=python');
    const filters = page.getByRole('complementary', { name: 'Filtres' });
    await filters.waitFor();
    assert.match((await page.locator('main').textContent()) ?? '', /60 cours/);
    const counts = await filters.locator('.facet__list .muted').allTextContents();
    assert.ok(counts.length > 0 && counts.every((c) => c.startsWith('(≈ ')), counts.join(' '));
    // A sample of about 10 of 60: no estimate above the exact total, and a value every course holds shows 60.
    assert.ok(counts.every((c) => Number(c.replace(/\D/g, '')) <= COURSES), counts.join(' '));
    assert.match((await filters.locator('.facet', { hasText: 'Statut' }).textContent()) ?? '', /Actif \(≈ 60\)/);
    const note = filters.locator('[data-facets-estimated]');
    assert.equal(await note.isVisible(), true);
    assert.match((await note.textContent()) ?? '', /estimés sur un échantillon aléatoire d’environ 10 cours correspondants.*Le total est exact/);

    await page.goto('/admin-dashboard/courses/?q=avanc%C3%A9');
    await filters.waitFor();
    const exact = await filters.locator('.facet__list .muted').allTextContents();
    assert.ok(exact.length > 0 && exact.every((c) => /^\(\d+\)$/.test(c)), exact.join(' '));
    assert.equal(await filters.locator('[data-facets-estimated]').count(), 0);
    assert.deepEqual(jsErrors(page), []);
  });
});

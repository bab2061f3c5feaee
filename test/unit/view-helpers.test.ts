// The helpers every page's template gets (src/api/render.ts viewHelpers), in each language.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { viewHelpers } from '../../src/api/render';

test('who started an import is told in the reader\'s language; a staff email as written', () => {
  const fr = viewHelpers('fr', 'Europe/Paris');
  const en = viewHelpers('en', 'Europe/Paris');
  assert.equal(fr.startedBy('drop-folder'), 'dossier de dépôt');
  assert.equal(fr.startedBy('drop-folder:Catalogue LMS'), 'dossier de dépôt (profil Catalogue LMS)');
  assert.equal(fr.startedBy('cli:marie'), 'ligne de commande (marie)');
  assert.equal(fr.startedBy('feed:nocturne'), 'flux « nocturne »');
  assert.equal(fr.startedBy('token:ci'), "jeton d'API « ci »");
  assert.equal(fr.startedBy('marie@example.fr'), 'marie@example.fr');
  assert.equal(fr.startedBy(null), '—');
  assert.equal(en.startedBy('drop-folder'), 'drop folder');
  assert.equal(en.startedBy('feed:nightly'), "feed 'nightly'");
});

test('the preview counts agree with the number of rows: « sur 1 ligne », « sur 3 lignes »', async () => {
  const { translator } = await import('../../src/i18n/i18n');
  const counts = (n: number) => ({ created: '1', updated: '0', unchanged: '0', skipped: '0', failed: '0', rows: String(n), count: n });
  assert.match(translator('fr')('imports.show.previewCounts', counts(1)), /\(sur 1 ligne\)\.$/);
  assert.match(translator('fr')('imports.show.previewCounts', counts(3)), /\(sur 3 lignes\)\.$/);
  assert.match(translator('en')('imports.show.previewCounts', counts(1)), /\(of 1 row\)\.$/);
});

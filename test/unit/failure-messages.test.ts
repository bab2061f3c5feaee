// Issue 11: a whole-file failure is a code with parameters, rendered in the reader's language (the English message
// stays for the CLI and the logs); the lists of imports agree with an import's own page about test mode.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { translator } from '../../src/i18n/i18n';
import { failureText } from '../../src/i18n/failure-messages';
import { readCsv } from '../../src/ingest/readers/csv';
import { checkSize, tooManyRows } from '../../src/ingest/readers/file-checks';
import { formatFromFileName } from '../../src/ingest/readers/detect';
import { FileValidationError, DEFAULT_READER_LIMITS } from '../../src/domain/types';
import { importListState } from '../../src/imports/page-state';

const fr = translator('fr');
const en = translator('en');
/** Intl's French puts no-break spaces (U+202F, U+00A0) in numbers and before units. */
const spaces = (s: string) => s.replace(/[\u202f\u00a0]/g, ' ');

async function fileError(run: () => Promise<unknown> | unknown): Promise<FileValidationError> {
  try {
    await run();
  } catch (err) {
    if (err instanceof FileValidationError) return err;
    throw err;
  }
  throw new Error('expected a FileValidationError');
}

test('a CSV without a title column: the reason in French and in English, the English message kept for the CLI', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'failure-messages-'));
  const file = path.join(dir, 'sans-titre.csv');
  writeFileSync(file, 'nom;prix\nA;0\n');
  const err = await fileError(async () => {
    for await (const _ of readCsv(file, DEFAULT_READER_LIMITS)) void _;
  });
  assert.equal(err.code, 'missing_columns');
  assert.match(err.message, /^no 'title' column in the header \(line 1, delimiter ';'\); columns found: 'nom', 'prix'$/);
  const stored = { code: err.code, message: err.message, params: err.params };
  assert.equal(failureText(fr, stored), "Pas de colonne « title » (titre) dans l'en-tête (ligne 1, séparateur ';') ; colonnes trouvées : 'nom', 'prix'");
  assert.equal(failureText(en, stored), "No 'title' column in the header (line 1, delimiter ';'); columns found: 'nom', 'prix'");
});

test('sizes, counts and names of a failure are written for the reader (Intl)', async () => {
  const big = await fileError(() => checkSize(9 * 1024 * 1024, 8 * 1024 * 1024));
  assert.equal(spaces(failureText(fr, big)), 'Le fichier fait 9 Mo ; la limite est de 8 Mo');
  assert.equal(failureText(en, big), 'The file is 9 MB; the limit is 8 MB');
  assert.equal(spaces(failureText(fr, tooManyRows(200_000, 'rows'))), 'Plus de 200 000 lignes ; découpez le fichier');
  const format = await fileError(() => formatFromFileName('catalogue.pdf'));
  assert.match(failureText(fr, format), /^catalogue\.pdf a l'extension \.pdf ; extensions acceptées : \.csv, /);
  const every = { code: 'all_rows_failed', message: 'every row of the file has errors (1200 of 1200): nothing was imported', params: { failed: 1200, rows: 1200 } };
  assert.equal(spaces(failureText(fr, every)), "Toutes les lignes du fichier ont des erreurs (1 200 sur 1 200) : rien n'a été importé");
  const undone = { code: 'cancelled', message: 'x', params: { context: 'undone', deleted: 2, restored: 1 } };
  assert.match(failureText(fr, undone), /^Annulé après l'écriture des cours : 2 cours/);
});

test('a failure without parameters (older imports, a parser\'s own sentence): the general reason with the English detail', () => {
  const old = { code: 'malformed', message: 'invalid JSON at line 1, column 12: Unexpected end of JSON input' };
  assert.equal(failureText(fr, old), 'Le fichier est mal formé. Détail (en anglais) : invalid JSON at line 1, column 12: Unexpected end of JSON input');
  assert.equal(failureText(en, old), old.message);
  assert.equal(failureText(fr, { code: 'no_such_code', message: 'boom' }), "L'import a échoué. Détail (en anglais) : boom");
  assert.equal(failureText(fr, { code: 'empty', message: '', params: null }), 'Le fichier ne contient aucun cours.');
});

test('lists of imports: a confirmed test run loses its badge; a preview or a discarded one shows no created counts', () => {
  assert.deepEqual(importListState({ dry_run: true, status: 'awaiting_confirmation', step: 'awaitConfirmation' }), { testMode: true, wrote: false });
  assert.deepEqual(importListState({ dry_run: true, status: 'discarded', step: 'done' }), { testMode: true, wrote: false });
  assert.deepEqual(importListState({ dry_run: true, status: 'processing', step: 'upsert' }), { testMode: false, wrote: true });
  assert.deepEqual(importListState({ dry_run: true, status: 'succeeded', step: 'done' }), { testMode: false, wrote: true });
  assert.deepEqual(importListState({ dry_run: true, status: 'succeeded_with_errors', step: 'done' }), { testMode: false, wrote: true });
  assert.deepEqual(importListState({ dry_run: false, status: 'succeeded', step: 'done' }), { testMode: false, wrote: true });
  // Cancelled: what it wrote was undone, so its counts are not in the catalogue.
  assert.deepEqual(importListState({ dry_run: false, status: 'cancelled', step: 'done' }), { testMode: false, wrote: false });
  assert.deepEqual(importListState({ dry_run: false, status: 'failed', step: 'done' }), { testMode: false, wrote: true });
});

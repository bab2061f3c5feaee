// Issue 11: a whole-file failure is a code with parameters, rendered in the reader's language (the English message
// stays for the CLI and the logs); the lists of imports agree with an import's own page about test mode.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { translator } from '../../src/i18n/i18n';
import { failureText } from '../../src/i18n/failure-messages';
import { readCsv } from '../../src/ingest/readers/csv';
import { checkSize, tooManyRows } from '../../src/ingest/readers/file-checks';
import { checkFormatMatchesContent, formatFromFileName } from '../../src/ingest/readers/detect';
import { readJson } from '../../src/ingest/readers/json';
import { readXlsx } from '../../src/ingest/readers/xlsx';
import { readXml } from '../../src/ingest/readers/xml';
import { FAILURE_BASE_MESSAGES, FAILURE_VARIANTS } from '../../src/domain/failure-variants';
import { collect, LIMITS, tempDir, writeFile } from './helpers/files';
import { buildZip } from './helpers/zip';
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

// ---- Every variant a FileValidationError may name has its message in both languages (issue 11) ----

const catalogue = (lang: 'en' | 'fr') => JSON.parse(readFileSync(path.join('locales', lang, 'importFailures.json'), 'utf8')) as Record<string, unknown>;
const placeholders = (text: string) => [...text.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();

test('every variant of FAILURE_VARIANTS, and every context named in src/, has a message in English and French with the same placeholders', () => {
  const cats = { en: catalogue('en'), fr: catalogue('fr') };
  const keys = [
    ...Object.entries(FAILURE_VARIANTS).flatMap(([code, variants]) => variants.map((v) => `${code}_${v}`)),
    ...FAILURE_BASE_MESSAGES,
  ];
  for (const key of keys) {
    const en = cats.en[key];
    const frText = cats.fr[key];
    assert.equal(typeof en, 'string', `locales/en/importFailures.json lacks ${key}`);
    assert.equal(typeof frText, 'string', `locales/fr/importFailures.json lacks ${key}`);
    assert.deepEqual(placeholders(frText as string), placeholders(en as string), `${key}: the same placeholders in both languages`);
  }
  // The type of FileValidationError's params only allows registered contexts; a scan of the source confirms that
  // each literal context written in src/ is registered (a helper that hid its type would show here).
  const registered = new Set(Object.values(FAILURE_VARIANTS).flat());
  const files = readdirSync('src', { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts') && !f.startsWith('categorise'));
  const sources = files.map((f) => readFileSync(path.join('src', f), 'utf8')).filter((s) => s.includes('FileValidationError'));
  // The contexts written within a few lines after `new FileValidationError(` or a reader's unsafe( / malformed( helper.
  const sites = sources.flatMap((s) => [...s.matchAll(/(?:new FileValidationError\(|\b(?:unsafe|malformed)\()[^]{0,500}/g)].map((m) => m[0]));
  const used = new Set(sites.flatMap((s) => [...s.matchAll(/context: '(\w+)'/g)].map((m) => m[1]!)));
  // The cartridge reader's row warning (rowMessages.cartridge_version_none) written just after a malformed( call.
  used.delete('none');
  assert.ok(used.size > 40, `contexts found in src/: ${used.size}`);
  // A cancelled import's failure (not a FileValidationError) has its own variant.
  const others: Record<string, string> = { undone: 'cancelled_undone' };
  for (const c of used) {
    if (others[c]) assert.equal(typeof cats.fr[others[c]], 'string');
    else assert.ok(registered.has(c as never), `context '${c}' of src/ is in FAILURE_VARIANTS`);
  }
});

const frText = (err: FileValidationError) => spaces(failureText(fr, { code: err.code, message: err.message, params: err.params ?? null }));

test('malformed JSON: the line, column and reason in French, the parser\'s own words kept as the detail only', async () => {
  const dir = tempDir();
  const file = writeFile(dir, 'casse.json', '[\n  {"title": "A"},\n  {"title": "B" "price": 3}\n]\n');
  const err = await fileError(() => collect(readJson(file, LIMITS)));
  assert.equal(err.code, 'malformed');
  assert.match(err.message, /^invalid JSON at line 3, column \d+: expected ','/);
  assert.match(frText(err), /^Le JSON est mal formé ligne 3, colonne \d+ : une virgule est attendue entre deux éléments/);
  assert.equal(err.params?.detail, "expected ','");
  assert.match(failureText(en, { code: err.code, message: err.message, params: err.params ?? null }), /^Invalid JSON at line 3, column \d+: a comma is expected/);
});

test('an unsafe XLSX (a zip bomb) and one that expands too far: in French, sizes and counts for the locale', async () => {
  const dir = tempDir();
  const bomb = buildZip([{ name: 'xl/worksheets/sheet1.xml', data: Buffer.alloc(20 * 1024 * 1024, 0x41) }]);
  const err = await fileError(() => collect(readXlsx(writeFile(dir, 'bomb.xlsx', bomb), LIMITS)));
  assert.equal(err.code, 'unsafe');
  assert.match(frText(err), /^L'entrée xl\/worksheets\/sheet1\.xml est compressée à [\d ]+:1 \(limite 100:1\) ; cela ressemble à une bombe zip$/);

  const parts = [0, 1, 2].map((i) => ({ name: `xl/media/image${i}.bin`, data: randomBytes(400 * 1024) }));
  const total = await fileError(() => collect(readXlsx(writeFile(dir, 'total.xlsx', buildZip(parts)), { ...LIMITS, maxUncompressedBytes: 1024 * 1024 })));
  assert.equal(frText(total), 'Le classeur se décompresserait en plus de 1 Mo (une bombe zip ?)');

  const tooComplex = new FileValidationError('too_complex', 'x', { context: 'sheetCells', max: 2_000_000 });
  assert.equal(frText(tooComplex), 'La feuille de calcul se déploie en plus de 2 000 000 cellules non vides (lignes ou colonnes répétées) ; 2 000 000 au plus');
});

test('a DOCTYPE in an XML catalogue: refused, told in French with its line', async () => {
  const dir = tempDir();
  const file = writeFile(dir, 'dtd.xml', '<?xml version="1.0"?>\n<!DOCTYPE courses [<!ENTITY x "y">]>\n<courses><course><title>A</title></course></courses>\n');
  const err = await fileError(() => collect(readXml(file, LIMITS)));
  assert.equal(err.code, 'unsafe');
  assert.match(frText(err), /^Le fichier XML contient une déclaration de type de document ou d'entité \(vers la ligne 2\) ; les DTD et les entités sont refusées/);
});

test('a mapping profile that does not exist, and a file that is not what its name says, in French', () => {
  const profile = new FileValidationError('unknown_mapping_profile', "no mapping profile is named 'moodle'; create it on the Mapping profiles page or import it as JSON", { context: 'profile', profile: 'moodle' });
  assert.equal(frText(profile), 'Aucun profil de correspondance ne s\'appelle « moodle » ; créez-le sur la page Profils de correspondance ou importez-le en JSON');
  assert.equal(failureText(en, { code: profile.code, message: profile.message, params: profile.params ?? null }).toLowerCase(), profile.message.toLowerCase());
  const mismatch = fileError(() => checkFormatMatchesContent('json', Buffer.from('\u0000\u0001\u0002\u0003binary\u0000\u0000\u0000\u0000')));
  return mismatch.then((err) => {
    assert.equal(err.code, 'format_mismatch');
    assert.equal(frText(err), 'Le fichier porte l\'extension .json mais contient des données binaires ; vérifiez que c\'est le bon fichier, ou exportez-le de nouveau depuis le tableur au format .json');
  });
});

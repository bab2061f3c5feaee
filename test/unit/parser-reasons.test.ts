// Issue 11: when a file cannot be parsed, a French admin reads why in French, at the line and column where known
// ("Le JSON est mal formé ligne 3, colonne 22 : une virgule est attendue…"), not the parser's English inside a French
// sentence. The parser's own words stay in the failure's `detail` (the import page's technical details, the English
// CLI and log line). The failures here are the real parsers' (csv-parse, stream-json, yaml, saxes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse as parseCsv } from 'csv-parse/sync';
import { translator, readCatalogue } from '../../src/i18n/i18n';
import { failureText } from '../../src/i18n/failure-messages';
import { readJson } from '../../src/ingest/readers/json';
import { readYaml } from '../../src/ingest/readers/yaml';
import { readXml } from '../../src/ingest/readers/xml';
import { readCsv } from '../../src/ingest/readers/csv';
import { csvReason, jsonReason, PARSER_REASONS, reasonParams, zipReason } from '../../src/ingest/readers/parser-reasons';
import { readRows } from '../../src/ingest/readers/index';
import { readFileSync } from 'node:fs';
import JSZip from 'jszip';
import path from 'node:path';
import { FileValidationError } from '../../src/domain/types';
import { LIMITS, tempDir, writeFile } from './helpers/files';

const fr = translator('fr');
const en = translator('en');

async function failureOf(rows: AsyncIterable<unknown>): Promise<FileValidationError> {
  try {
    for await (const _ of rows) {
      // read to the end
    }
  } catch (err) {
    if (err instanceof FileValidationError) return err;
    throw err;
  }
  throw new Error('expected a FileValidationError');
}

const render = (t: typeof fr, err: FileValidationError) => failureText(t, { code: err.code, message: err.message, params: err.params ?? null });

test('every parser reason has a sentence in French and in English, with the same placeholders', () => {
  const placeholders = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
  const reasons = (language: 'fr' | 'en') => (readCatalogue(language).importFailures as Record<string, Record<string, string>>).reasons!;
  for (const key of PARSER_REASONS) {
    const f = reasons('fr')[key];
    const e = reasons('en')[key];
    assert.ok(typeof f === 'string' && typeof e === 'string', `importFailures.reasons.${key} in both catalogues`);
    assert.deepEqual(placeholders(f), placeholders(e), key);
  }
});

test('JSON, YAML and XML syntax errors: in French with their position, the parser\'s words only as the detail', async () => {
  const dir = tempDir();
  const cases: { rows: AsyncIterable<unknown>; fr: RegExp; en: RegExp }[] = [
    {
      rows: readJson(writeFile(dir, 'virgule.json', '[\n  {"title": "A"},\n  {"title": "B" "price": 3}\n]\n'), LIMITS),
      fr: /^Le JSON est mal formé ligne 3, colonne 17 : une virgule est attendue entre deux éléments/,
      en: /^Invalid JSON at line 3, column 17: a comma is expected/,
    },
    {
      rows: readJson(writeFile(dir, 'virgule-en-trop.json', '[\n  {"title": "A",},\n]\n'), LIMITS),
      fr: /^Le JSON est mal formé ligne 2, colonne \d+ : « } » inattendu : une virgule en trop juste avant \?$/,
      en: /unexpected '}': one comma too many/,
    },
    {
      rows: readJson(writeFile(dir, 'cle.json', '[\n  {title: "A"}\n]\n'), LIMITS),
      fr: /^Le JSON est mal formé ligne 2, colonne \d+ : un nom de propriété entre guillemets doubles est attendu$/,
      en: /a property name in double quotes is expected/,
    },
    {
      rows: readYaml(writeFile(dir, 'guillemet.yaml', '- title: A\n  description: "jamais fermé\n- title: B\n'), LIMITS),
      fr: /^Le YAML est mal formé ligne \d+, colonne \d+ : il manque le « " » qui ferme ce qui a été ouvert$/,
      en: /the '"' that closes what was opened is missing/,
    },
    {
      rows: readYaml(writeFile(dir, 'deux-points.yaml', '- title: Python: les bases\n'), LIMITS),
      fr: /^Le YAML est mal formé ligne 1, colonne \d+ : une valeur contient « : » suivi d'une espace/,
      en: /a value holds ': '/,
    },
    {
      rows: readXml(writeFile(dir, 'balise.xml', '<courses>\n<course><title>A</title></course>\n<course><title>B</course>\n</courses>'), LIMITS),
      fr: /^Le XML est mal formé ligne 3, colonne \d+ \(\/courses\/course\[2\]\) : une balise fermante ne correspond pas à la dernière balise ouverte$/,
      en: /a closing tag does not match the last open tag/,
    },
    {
      rows: readXml(writeFile(dir, 'entite.xml', '<courses>\n<course><title>A &foo; B</title></course>\n</courses>'), LIMITS),
      fr: /^Le XML est mal formé ligne 2, colonne \d+ .*: une entité \(&…;\) inconnue ou mal écrite : écrivez « & » sous la forme « &amp; »$/,
      en: /write '&' as '&amp;'/,
    },
    {
      rows: readXml(writeFile(dir, 'racines.xml', '<courses></courses>\n<courses></courses>'), LIMITS),
      fr: /^Le XML est mal formé ligne 2, colonne \d+ : le document a plusieurs éléments racines/,
      en: /several root elements/,
    },
  ];
  for (const c of cases) {
    const err = await failureOf(c.rows);
    const detail = err.params?.detail;
    assert.ok(typeof detail === 'string' && detail !== '', `the parser's words are kept: ${err.message}`);
    const french = render(fr, err);
    assert.match(french, c.fr, err.message);
    assert.ok(!french.includes(detail), `no English parser words in the French sentence: ${french}`);
    assert.match(render(en, err), c.en);
    // The CLI and the logs keep the parser's words.
    assert.ok(err.message.includes(detail));
  }
});

test('csv-parse\'s error codes in French with their line; an unclosed quote in a real CSV too', async () => {
  const failure = (input: string) => {
    try {
      parseCsv(input, { delimiter: ',' });
    } catch (err) {
      const why = csvReason(err);
      const message = (err as Error).message;
      return { code: 'unreadable', message, params: { context: why.line === undefined ? 'parser' : 'parserAt', format: 'CSV', ...(why.line === undefined ? {} : { line: why.line }), ...reasonParams(why, message) } };
    }
    throw new Error('expected csv-parse to fail');
  };
  const closing = failure('title,price\n"Rust"x,3\n');
  assert.equal(closing.params.reason, 'csvInvalidClosingQuote');
  assert.equal(failureText(fr, closing), "Le fichier CSV n'a pas pu être lu, ligne 2 : un guillemet double fermant est suivi d'autre chose que le séparateur (dans une valeur, doublez les guillemets : \"\")");
  const fields = failure('title,price\nRust,3,extra\n');
  assert.equal(fields.params.reason, 'csvFieldCount');
  assert.equal(failureText(fr, fields), "Le fichier CSV n'a pas pu être lu, ligne 2 : la ligne n'a pas le même nombre de colonnes que l'en-tête");
  assert.equal(failureText(en, fields), 'The CSV file could not be read at line 2: the line does not have as many columns as the header');
  const quote = failure('title,price\n"Rust,3\n');
  assert.equal(quote.params.reason, 'csvQuoteNotClosed');

  const dir = tempDir();
  const err = await failureOf(readCsv(writeFile(dir, 'guillemet.csv', 'title,price\n"Rust,3\n'), LIMITS));
  assert.equal(render(fr, err), "Ligne 2 : une valeur ouvre un guillemet double qui n'est jamais fermé (fermez-le, ou doublez-le s'il fait partie du texte : \"\")");
});

test('JSON.parse\'s words map to the same reasons; an unknown parser sentence reads as a syntax error', () => {
  assert.equal(jsonReason("Expected ',' or '}' after property value in JSON at position 12").reason, 'jsonExpectedComma');
  assert.equal(jsonReason('Unexpected end of JSON input').reason, 'unexpectedEnd');
  assert.equal(jsonReason("Expected double-quoted property name in JSON at position 3").reason, 'jsonExpectedKey');
  assert.equal(jsonReason('Bad control character in string literal in JSON at position 9').reason, 'jsonControlCharacter');
  assert.equal(jsonReason('something no one has seen').reason, 'syntax');
  const unknown = { code: 'malformed', message: 'invalid JSON: something no one has seen', params: { context: 'json', ...reasonParams(jsonReason('something no one has seen'), 'something no one has seen') } };
  assert.equal(failureText(fr, unknown), 'Le JSON est mal formé : erreur de syntaxe');
  // A failure stored before reasons existed (only the parser's words): French says syntax error, English the words.
  const stored = { code: 'malformed', message: "invalid JSON at line 3, column 22: expected ','", params: { context: 'jsonAt', line: 3, column: 22, detail: "expected ','" } };
  assert.equal(failureText(fr, stored), 'Le JSON est mal formé ligne 3, colonne 22 : erreur de syntaxe');
  assert.equal(failureText(en, stored), "Invalid JSON at line 3, column 22: expected ','");
});

// A workbook cut short by an upload, damaged on a disk, or written with a zip variant the reader does not read:
// the French admin reads what happened and what to do, not yauzl's or zlib's English (kept in `detail`).
test('a zip workbook that is cut short, damaged or of an unread zip variant: the reason in French, the library\'s words as the detail', async () => {
  const dir = tempDir();
  const original = readFileSync(path.join(import.meta.dirname, '..', 'fixtures', 'conformance', 'xlsxwriter.xlsx'));
  const cut = writeFile(dir, 'coupé.xlsx', original.subarray(0, Math.floor(original.length / 2)));
  const damaged = Buffer.from(original);
  // The first entry's deflated data (after its 30-byte local header and its name) overwritten.
  const dataStart = 30 + damaged.readUInt16LE(26) + damaged.readUInt16LE(28);
  damaged.fill(0x41, dataStart, dataStart + 64);
  const damagedPath = writeFile(dir, 'abîmé.xlsx', damaged);
  const variant = Buffer.from(original);
  // Every central directory record's compression method set to 99 (AE-x encryption's marker, APPNOTE 4.4.5).
  for (let at = variant.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])); at !== -1; at = variant.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]), at + 4)) variant.writeUInt16LE(99, at + 10);
  const variantPath = writeFile(dir, 'variante.xlsx', variant);

  const cases = [
    { file: cut, reason: 'zipTruncated', fr: /archive est incomplète : le fichier a sans doute été coupé/, detail: /End of central directory record signature not found/ },
    { file: damagedPath, reason: 'zipDamaged', fr: /archive est endommagée/, detail: /invalid|incorrect/ },
    { file: variantPath, reason: 'zipUnsupported', fr: /variante du format zip/, detail: /unsupported compression method: 99/ },
  ];
  for (const c of cases) {
    const err = await failureOf(readRows('xlsx', c.file, LIMITS));
    assert.equal(err.code, 'unreadable', c.file);
    assert.equal(err.params?.reason, c.reason, c.file);
    assert.match(String(err.params?.detail), c.detail, 'the library\'s words stay in the detail');
    const french = render(fr, err);
    assert.match(french, /^Le fichier n'a pas pu être lu comme classeur/, french);
    assert.match(french, c.fr, french);
    assert.doesNotMatch(french, /signature|compression method|stored block|not found/i, `no library words in French: ${french}`);
    assert.match(render(en, err), /^The file could not be read as .*\(zip archive\): the archive/, render(en, err));
  }
});

test('yauzl\'s and zlib\'s messages map to the zip reasons; an unknown one reads as an unreadable archive', () => {
  const expected: [string, string][] = [
    ['End of central directory record signature not found. Either not a zip file, or file is truncated.', 'zipTruncated'],
    ['unexpected EOF', 'zipTruncated'],
    ['file data overflows file bounds: 1200 + 44 > 1000', 'zipTruncated'],
    ['Invalid comment length. Expected: 10. Found: 0', 'zipTruncated'],
    ['invalid central directory file header signature: 0x41414141', 'zipDamaged'],
    ['invalid local file header signature: 0x0', 'zipDamaged'],
    ['extra field length exceeds extra field buffer size', 'zipDamaged'],
    ['invalid stored block lengths', 'zipDamaged'],
    ['incorrect data check', 'zipDamaged'],
    ['unexpected end of file', 'zipDamaged'],
    ['unsupported compression method: 14', 'zipUnsupported'],
    ['multi-disk zip files are not supported: found disk number: 1', 'zipUnsupported'],
    ['strong encryption is not supported', 'zipUnsupported'],
    ['something else entirely', 'zipUnreadable'],
  ];
  for (const [message, reason] of expected) assert.equal(zipReason(message).reason, reason, message);
});

// A workbook whose zip is sound but one of its XML parts is broken (hand-edited, written by a faulty tool): the
// admin reads which part and what is wrong in French, not saxes's English.
test('a workbook part that is not well-formed XML: its name and the reason in French, saxes\'s words as the detail', async () => {
  const dir = tempDir();
  const conformance = path.join(import.meta.dirname, '..', 'fixtures', 'conformance');
  const broken = async (file: string, part: string, edit: (xml: string) => string, name: string) => {
    const zip = await JSZip.loadAsync(readFileSync(path.join(conformance, file)));
    zip.file(part, edit(await zip.file(part)!.async('string')));
    return writeFile(dir, name, await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }));
  };
  const cases = [
    { format: 'xlsx' as const, file: await broken('xlsxwriter.xlsx', 'xl/worksheets/sheet1.xml', (x) => x.replace('<sheetData>', '<sheetData><row r=99>'), 'attribut.xlsx'), part: 'xl/worksheets/sheet1.xml', reason: 'xmlAttributeQuotes', fr: /valeur d'un attribut doit être entre guillemets/ },
    { format: 'xlsx' as const, file: await broken('xlsxwriter.xlsx', 'xl/sharedStrings.xml', (x) => x.replace('</sst>', '<si><t>texte</sst>'), 'textes.xlsx'), part: 'xl/sharedStrings.xml', reason: 'xmlUnexpectedCloseTag', fr: /balise fermante/ },
    { format: 'ods' as const, file: await broken('libreoffice.ods', 'content.xml', (x) => x.replace('</office:document-content>', '<table:table></office:document-content>'), 'contenu.ods'), part: 'content.xml', reason: null, fr: /balise|XML/ },
  ];
  for (const c of cases) {
    const err = await failureOf(readRows(c.format, c.file, LIMITS));
    assert.equal(err.code, 'unreadable', `${c.file}: ${err.message}`);
    assert.equal(err.params?.context, 'workbookXml', `${c.file}: ${JSON.stringify(err.params)}`);
    assert.equal(err.params?.part, c.part);
    if (c.reason) assert.equal(err.params?.reason, c.reason);
    assert.equal(typeof err.params?.detail, 'string', 'saxes\'s words stay in the detail');
    const french = render(fr, err);
    assert.match(french, new RegExp(`^Le classeur n'a pas pu être lu : sa partie ${c.part.replaceAll('.', '\\.')} n'est pas du XML bien formé \\(`), french);
    assert.match(french, c.fr, french);
    assert.ok(!french.includes(String(err.params?.detail)), `no saxes words in French: ${french}`);
    assert.match(render(en, err), /^The workbook could not be read: its part .* is not well-formed XML \(/);
  }
});

// SheetJS fails on a cut .xls with an internal TypeError ("Cannot read properties of undefined"): no reason an
// admin can act on, so the sentence says what to do and the message stays in the detail.
test('an .xls cut short: what to do in French, SheetJS\'s own words only as the detail', async () => {
  const original = readFileSync(path.join(import.meta.dirname, '..', 'fixtures', 'conformance', 'xlwt.xls'));
  const file = writeFile(tempDir(), 'coupé.xls', original.subarray(0, Math.floor(original.length / 2)));
  const err = await failureOf(readRows('xls', file, LIMITS));
  assert.equal(err.code, 'unreadable');
  assert.equal(err.params?.context, 'damaged');
  assert.equal(typeof err.params?.detail, 'string');
  const french = render(fr, err);
  assert.match(french, /^Le fichier n'a pas pu être lu comme classeur Excel 97–2003 \(\.xls\) : il est endommagé, incomplet/, french);
  assert.match(french, /enregistrez-le de nouveau/);
  assert.ok(!french.includes(String(err.params?.detail)), `no library words in French: ${french}`);
});

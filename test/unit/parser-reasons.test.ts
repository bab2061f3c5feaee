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
import { csvReason, jsonReason, PARSER_REASONS, reasonParams } from '../../src/ingest/readers/parser-reasons';
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
  assert.equal(render(fr, err), "Ligne 2 : une valeur ouvre un guillemet double qui n'est jamais fermé");
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

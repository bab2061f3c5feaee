import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chooseSingleByte, createDecoder, decodeSingleByte, detectSampleEncoding, InvalidBytesError, looksLikeUtf16 } from '../../src/ingest/readers/encoding';
import { scorePlausibility } from '../../src/ingest/readers/text-plausibility';
import { knownHeaderFields, readCsv } from '../../src/ingest/readers/csv';
import { readJson } from '../../src/ingest/readers/json';
import { readPreamble } from '../../src/ingest/readers/preamble';
import type { FileWarning } from '../../src/domain/types';
import { collect, cp1252, LIMITS, readError, tempDir, writeFile } from './helpers/files';

const fieldCases = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'conformance');
const dir = tempDir();
const macRoman = (s: string): Buffer => {
  // Apple's table for the characters the tests use (iconv-lite has no € for Mac Roman).
  const table: Record<string, number> = { Î: 0xeb, é: 0x8e, è: 0x8f, à: 0x88, ç: 0x8d, ê: 0x90, î: 0x94, ï: 0x95, ô: 0x99, ù: 0x9d, û: 0x9e, É: 0x83, À: 0xcb, Œ: 0xce, œ: 0xcf, '€': 0xdb, '’': 0xd5, '«': 0xc7, '»': 0xc8 };
  return Buffer.from(Array.from(s, (c) => table[c] ?? (c.charCodeAt(0) < 0x80 ? c.charCodeAt(0) : assert.fail(`no Mac Roman byte for ${c}`))));
};

test('byte-order marks decide, no guess', () => {
  assert.deepEqual(detectSampleEncoding(Buffer.from([0xef, 0xbb, 0xbf, 0x41])), { encoding: 'utf-8', bom: true, guessed: false });
  assert.deepEqual(detectSampleEncoding(Buffer.from([0xff, 0xfe, 0x41, 0])), { encoding: 'utf-16le', bom: true, guessed: false });
  assert.deepEqual(detectSampleEncoding(Buffer.from([0xfe, 0xff, 0, 0x41])), { encoding: 'utf-16be', bom: true, guessed: false });
  assert.deepEqual(detectSampleEncoding(Buffer.from('title\nÉté\n')), { encoding: 'utf-8', bom: false, guessed: false });
});

test('UTF-16 without a BOM is recognised by its zero bytes, binary data is not', () => {
  assert.equal(looksLikeUtf16(Buffer.from('title,price\r\nÉté,0\r\n', 'utf16le')), 'utf-16le');
  assert.equal(looksLikeUtf16(Buffer.from('title,price\r\nÉté,0\r\n', 'utf16le').swap16()), 'utf-16be');
  assert.equal(looksLikeUtf16(Buffer.from([0, 1, 2, 3, 0, 0, 0, 7, 8, 0, 0, 0xff])), undefined);
  assert.equal(looksLikeUtf16(Buffer.from('ti', 'utf16le')), undefined, 'too short to tell');
  assert.deepEqual(detectSampleEncoding(Buffer.from('title\r\nÉté\r\n', 'utf16le')), { encoding: 'utf-16le', bom: false, guessed: true });
});

test('Windows-1252 and Mac Roman are told apart on French text', () => {
  for (const s of ['Été à la plage', 'Café crème', 'Élodie Chevalier', 'Maîtrise du son', 'Leçon d’été à 5 €', 'Cœur d’œuvre', '49,99 €', 'CRÉATION', 'Hôtellerie', 'Réseaux']) {
    assert.equal(chooseSingleByte(cp1252(s), cp1252(s)), 'windows-1252', s);
    assert.equal(chooseSingleByte(macRoman(s), macRoman(s)), 'macintosh', s);
  }
});

test('the header decides when the text alone cannot: garbled column names match nothing', () => {
  const header = 'titre;catégorie;durée;leçons\r';
  assert.equal(knownHeaderFields(decodeSingleByte(macRoman(header), 'macintosh')), 4);
  assert.equal(knownHeaderFields(decodeSingleByte(macRoman(header), 'windows-1252')), 1);
});

test('a doubtful encoding is refused naming the encodings tried and how to save as UTF-8', () => {
  const bytes = macRoman('title\nŒnologie\n');
  assert.throws(() => chooseSingleByte(bytes, bytes), (err: Error & { code?: string }) => {
    assert.equal(err.code, 'unreadable');
    assert.match(err.message, /tried UTF-8, UTF-16, Windows-1252 and Mac Roman/);
    assert.match(err.message, /CSV UTF-8 \(Comma delimited\)/);
    assert.match(err.message, /Unicode \(UTF-8\)/);
    return true;
  });
  const cyrillic = Buffer.from([0xcf, 0xf0, 0xee, 0xe3, 0xf0, 0xe0, 0xec, 0xec, 0xe0, 0x20, 0xe8, 0x20, 0xea, 0xee, 0xe4]);
  assert.throws(() => chooseSingleByte(cyrillic, cyrillic), /neither Windows-1252 .* nor Mac Roman .* gives readable text/);
});

test('plausibility: right readings above zero, wrong code pages below', () => {
  assert.ok(scorePlausibility('catégorie, leçons, « très » l’été à 5 €').score > 0);
  assert.ok(scorePlausibility('catŽgorie le\u008Dons').impossible, 'C1 control');
  assert.ok(scorePlausibility('catŽgorie Ma”trise').score < 0);
  assert.ok(scorePlausibility('catÈgorie leÁons ‡ Ètre').score < 0);
  assert.ok(scorePlausibility('a\uFFFDb').impossible);
  assert.equal(scorePlausibility('plain ascii').score, 0);
});

test('Mac Roman: 0xDB is the euro sign (Apple\'s table since Mac OS 8.5), 0xF0 (Apple logo) is refused', () => {
  assert.equal(decodeSingleByte(Buffer.from([0x34, 0x39, 0x20, 0xdb]), 'macintosh'), '49 €');
  assert.throws(() => createDecoder('macintosh').write(Buffer.from([0x41, 0xf0])), InvalidBytesError);
  assert.throws(() => createDecoder('windows-1252').write(Buffer.from([0x41, 0x8d])), InvalidBytesError);
});

test('strict decoders: an invalid UTF-8 byte is located, split sequences are not errors', () => {
  const d = createDecoder('utf-8');
  const e = Buffer.from('é');
  assert.equal(d.write(Buffer.concat([Buffer.from('ab'), e.subarray(0, 1)])) + d.write(e.subarray(1)) + d.end(), 'abé');
  const bad = createDecoder('utf-8');
  bad.write(Buffer.from('0123456789'));
  assert.throws(() => bad.write(Buffer.from([0x41, 0x42, 0xe9, 0x43])), (err: InvalidBytesError) => err.offset === 12);
});

test('readCsv: UTF-8 damaged after the sample is refused with its line, not stored as U+FFFD', async () => {
  const utf8 = Array.from({ length: 3000 }, (_, i) => `Leçon numéro ${i} avec un titre assez long,0`).join('\n');
  const file = writeFile(dir, 'damaged.csv', Buffer.concat([Buffer.from(`title,price\n${utf8}\n`), cp1252('Été,0\n')]));
  const err = await readError(readCsv(file, LIMITS));
  assert.equal(err.code, 'unreadable');
  assert.match(err.message, /read as UTF-8 but on line 3002 it holds bytes that are not valid/);
});

test('readCsv: Mac Roman after 64 KB of ASCII is judged on the lines holding accents', async () => {
  const ascii = Array.from({ length: 2000 }, (_, i) => `Course number ${i} with a plain title,0`).join('\r');
  const file = writeFile(dir, 'late-mac.csv', Buffer.concat([Buffer.from(`title,price\r${ascii}\r`), macRoman('Maîtrise du son à 5 €,0\rÉté,0\r')]));
  const warnings: FileWarning[] = [];
  const rows = await collect(readCsv(file, LIMITS, (w) => warnings.push(w)));
  assert.deepEqual(rows.slice(-2).map((r) => r.raw.title), ['Maîtrise du son à 5 €', 'Été']);
  assert.deepEqual(warnings.map((w) => w.code), ['encoding_guessed']);
  assert.match(warnings[0]!.message, /Mac Roman/);
});

test('readCsv: UTF-8 (BOM or not) and UTF-16 with a BOM give no warning; Windows-1252 does', async () => {
  const codes = async (name: string, content: Buffer) => {
    const warnings: FileWarning[] = [];
    await collect(readCsv(writeFile(dir, name, content), LIMITS, (w) => warnings.push(w)));
    return warnings.map((w) => w.code);
  };
  assert.deepEqual(await codes('u8.csv', Buffer.from('title,price\nÉté,0\n')), []);
  assert.deepEqual(await codes('u8bom.csv', Buffer.from('\uFEFFtitle,price\nÉté,0\n')), []);
  assert.deepEqual(await codes('u16.csv', Buffer.from('\uFEFFtitle,price\nÉté,0\n', 'utf16le')), []);
  assert.deepEqual(await codes('u16be.csv', Buffer.from('\uFEFFtitle,price\nÉté,0\n', 'utf16le').swap16()), []);
  assert.deepEqual(await codes('ansi.csv', cp1252('title,price\nÉté,0\n')), ['encoding_guessed']);
});

test('preamble: sep= sets the delimiter and is skipped; #TYPE is skipped with a warning', () => {
  assert.deepEqual(readPreamble('sep=;\r\ntitle;price'), { skipChars: 7, lines: 1, delimiter: ';', warnings: [] });
  assert.equal(readPreamble('"sep=|"\ntitle|price').delimiter, '|');
  assert.equal(readPreamble('sep=;;;;\ntitle').skipChars, 9);
  assert.equal(readPreamble('SEP=,\rtitle').delimiter, ',');
  const ps = readPreamble('#TYPE System.Management.Automation.PSCustomObject\r\n"title"');
  assert.equal(ps.lines, 1);
  assert.deepEqual(ps.warnings.map((w) => [w.code, w.row]), [['type_line_skipped', 1]]);
  assert.deepEqual(readPreamble('title,sep=;\n'), { skipChars: 0, lines: 0, warnings: [] });
  assert.equal(readPreamble('separator\n').skipChars, 0);
});

test('readCsv: sep= with any delimiter; the line numbers stay the file\'s', async () => {
  const rows = await collect(readCsv(writeFile(dir, 'sep-pipe.csv', 'sep=|\ntitle|price|lessons\nA, B; C|10|x;y\n'), LIMITS));
  assert.deepEqual(rows.map((r) => [r.rowNumber, r.raw]), [[3, { title: 'A, B; C', price: '10', lessons: 'x;y' }]]);
  const err = await readError(readCsv(writeFile(dir, 'sep-only.csv', 'sep=;\nname;x\nA;0\n'), LIMITS));
  assert.match(err.message, /line 2/);
});

test('readJson: UTF-16 and Windows-1252 JSON; NaN refused with the line and column of the decoded text', async () => {
  const warnings: FileWarning[] = [];
  const rows = await collect(readJson(path.join(fieldCases, 'f07_utf16-powershell.json'), LIMITS, (w) => warnings.push(w)));
  assert.equal(rows[0]!.raw.instructor, 'Anaïs Lemoine');
  assert.equal(warnings.length, 0);
  const ansi = await collect(readJson(path.join(fieldCases, 'f08_ansi-powershell.json'), LIMITS, (w) => warnings.push(w)));
  assert.deepEqual(ansi.map((r) => r.raw.title), ['Ansi Créer des rapports', 'Ansi Sécurité réseau']);
  assert.deepEqual(warnings.map((w) => w.code), ['encoding_guessed']);
  const nan16 = writeFile(dir, 'nan16.json', Buffer.from('\uFEFF[\r\n  {"title": "Anaïs", "price": NaN}\r\n]', 'utf16le'));
  assert.match((await readError(readJson(nan16, LIMITS))).message, /^invalid JSON at line 2, column 31: /);
  const inf = writeFile(dir, 'inf1252.json', cp1252('[\n {"title": "Sécurité réseau",\n  "price": Infinity}\n]'));
  assert.match((await readError(readJson(inf, LIMITS))).message, /^invalid JSON at line 3, column 12: /);
  const damaged = writeFile(dir, 'damaged.json', Buffer.concat([Buffer.from('[{"title": "Été"}, {"title": "'), cp1252('Été'), Buffer.from('"}]')]));
  assert.equal((await readError(readJson(damaged, LIMITS))).code, 'unreadable');
});

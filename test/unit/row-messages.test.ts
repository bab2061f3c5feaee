import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readCatalogue, translator, type Catalogue } from '../../src/i18n/i18n';
import { FILE_WARNING_CODES, ROW_CODES } from '../../src/domain/row-codes';
import { normalizeCourse } from '../../src/domain/normalize';
import { guardRow } from '../../src/domain/row-guard';
import { DEFAULT_READER_LIMITS, type RowError } from '../../src/domain/types';
import { FIELD_COUNT_KEY, NOT_AN_OBJECT_KEY } from '../../src/domain/source-marks';
import { problemText } from '../../src/i18n/row-messages';

// Issue 11: every row problem is a code with parameters, rendered in the reader's language; the English
// catalogue must say what the English message says, and French must say it in French.

function keysOf(c: Catalogue, prefix = ''): string[] {
  return Object.entries(c).flatMap(([k, v]) => (typeof v === 'string' ? [`${prefix}${k}`] : keysOf(v, `${prefix}${k}.`)));
}

function placeholders(text: string): string[] {
  return [...text.matchAll(/\{\{\s*([\w.]+)[^}]*\}\}/g)].map((m) => m[1]!).sort();
}

test('every code has a message in both catalogues, with the same placeholders', () => {
  const fr = readCatalogue('fr').rowMessages as Catalogue;
  const en = readCatalogue('en').rowMessages as Catalogue;
  const frKeys = new Set(keysOf(fr));
  const enKeys = new Set(keysOf(en));
  const base = (k: string) => k.replace(/_(one|many|other)$/, '');
  for (const code of [...ROW_CODES, ...FILE_WARNING_CODES]) {
    // A message may come in variants: plural forms (code_one…) or contexts (code_<context>).
    const variants = [...enKeys].filter((k) => k === code || k.startsWith(`${code}_`));
    assert.ok(variants.length > 0, `no English message for ${code}`);
    for (const key of variants) {
      const frVariants = [...frKeys].filter((k) => base(k) === base(key));
      assert.ok(frVariants.length > 0, `no French message for ${key}`);
      for (const k of frVariants) assert.deepEqual(placeholders(fr[k] as string), placeholders(en[key] as string), `placeholders of ${k}`);
    }
  }
});

/** Rows that raise most problems normalisation knows. */
const BAD_ROWS: Record<string, unknown>[] = [
  { price: 0 },
  { titre: 'A', prix: '-5' },
  { title: 'A', price: '1,299' },
  { title: 'A', price: '$12' },
  { title: 'A', price: '(5,00 €)' },
  { title: 'A', price: '€' },
  { title: 'A', price: '200000' },
  { title: 'A', price: '1.234' },
  { title: 'A', price: '1.5678' },
  { title: 'A', price: 'abc' },
  { title: 'A', price: '1 2345' },
  { title: 'A', price: [1] },
  { title: 'A', price: 'gratuit' },
  { title: 'A', price: ' - € ' },
  { title: 'A', is_free: 'peut-être', price: 1 },
  { title: 'A', is_free: 3, price: 1 },
  { title: 'A', is_free: [true], price: 1 },
  { title: 'A', is_free: 'true', price: 5 },
  { title: 'A', is_free: 'false', price: 0 },
  { title: 'A', is_free: 'non' },
  { title: 'A' },
  { title: 'A', price: 1, niveau: 'expertissime' },
  { title: 'A', price: 1, difficulty: 'débutant à intermédiaire' },
  { title: 'A', price: 1, difficulty: 'Beginner Level' },
  { title: 'A', price: 1, mode: 'holographic' },
  { title: 'A', price: 1, mode: 'video hands-on' },
  { title: 'A', price: 1, mode: 'hands-on session' },
  { title: 'A', price: 1, duration: '12:00 AM' },
  { title: 'A', price: 1, duration: '-1:30' },
  { title: 'A', price: 1, duration: '1:3' },
  { title: 'A', price: 1, duration: '1:30:5' },
  { title: 'A', price: 1, duration: '1:30:00:00' },
  { title: 'A', price: 1, duration: '1:75' },
  { title: 'A', price: 1, duration: '1:30:75' },
  { title: 'A', price: 1, duration: '1:30' },
  { title: 'A', price: 1, duration: '90 min' },
  { title: 'A', price: 1, duration: '1h75' },
  { title: 'A', price: 1, duration: '3 jours' },
  { title: 'A', price: 1, duration: '20000' },
  { title: 'A', price: 1, duration: -3 },
  { title: 'A', price: 1, duration: { h: 1 } },
  { title: 'A', price: 1, duration: new Date(Date.UTC(2020, 0, 1)) },
  { title: 'A', price: 1, duration: { error: '#DIV/0!' } },
  { title: '<b>&amp;</b>', price: 1, description: '<p>x</p>', category: '&eacute;' },
  { title: '<br>', price: 1 },
  { title: 'x'.repeat(201), price: 1, category: 'c'.repeat(101), external_id: 'e'.repeat(201), description: 'd'.repeat(5001) },
  { title: { a: 1 }, price: 1 },
  { title: Number.NaN, price: 1 },
  { title: 'A', price: 1, lessons: 5 },
  { title: 'A', price: 1, lessons: { error: '#REF!' } },
  { title: 'A', price: 1, lessons: [true, { title: { x: 1 } }, { title: 'L', order: 'x' }, { title: 'M', video_url: 'ftp://x' }, { content: 'c' }, 'M', { title: 'N', content: 'c'.repeat(20_001) }, { title: 'O', video_url: `https://x/${'a'.repeat(2100)}` }, { title: 'P', content: [1] }, { title: 'Q', video_url: [1] }, { title: 'L'.repeat(201) }] },
  { title: 'A', price: 1, lessons: Array.from({ length: 501 }, (_, i) => `L${i}`) },
  { title: 'A', price: 1, tags: 5 },
  { title: 'A', price: 1, tags: { error: '#N/A' } },
  { title: 'A', price: 1, tags: [{ a: 1 }, 't'.repeat(51)] },
  { title: 'A', price: 1, tags: Array.from({ length: 31 }, (_, i) => `tag${i}`).join(',') },
  { [NOT_AN_OBJECT_KEY]: 'a string' },
  { [FIELD_COUNT_KEY]: { expected: 3, actual: 4 }, title: 'A', price: 1 },
  { [FIELD_COUNT_KEY]: { expected: 3, actual: 2 }, title: 'A', price: 1 },
];

function problemsOf(raw: Record<string, unknown>): RowError[] {
  const guarded = guardRow(raw, DEFAULT_READER_LIMITS);
  if (guarded.errors.length > 0) return [...guarded.errors, ...guarded.warnings];
  const r = normalizeCourse(guarded.raw);
  return [...guarded.warnings, ...(r.ok ? r.warnings : r.errors)];
}

/**
 * A sentence with its quantities written plainly: the page formats them with Intl (`€100,000.00`, `1.5 hr`,
 * `150,000`) where the English message of the CLI writes `100000`, `1.5 hours`, `150000`; the words must match.
 */
function withoutIntl(text: string): string {
  return text
    .replace(/€(\d)/g, '$1')
    .replace(/(\d),(?=\d{3}\b)/g, '$1')
    .replace(/(\d)\.00\b/g, '$1')
    .replace(/(\d) (hr|hrs|hours)\b/g, '$1 h');
}

test('each row problem, rendered from its code in English, says exactly what its English message says', () => {
  const en = translator('en');
  const seen = new Set<string>();
  const rows = [
    ...BAD_ROWS,
    { title: 'A', price: 1, description: 'a\u0000b\u0000c' },
    { title: 'A', price: 1, description: 'a\u0000b\uD800c' },
    { title: 'A', price: 1, description: 'a\uD800b' },
    { title: 'A', price: 1, description: 'x'.repeat(150_000) },
    { title: 'A', price: 1, tags: JSON.parse(`${'['.repeat(40)}${']'.repeat(40)}`) as unknown },
  ];
  for (const raw of rows) {
    for (const p of problemsOf(raw)) {
      seen.add(p.code);
      assert.equal(withoutIntl(problemText(en, p)), withoutIntl(p.message), `${p.code} ${JSON.stringify(p.params)}`);
    }
  }
  // The corpus reaches most codes; the rest (readers' own, admin rules) are tested where they are raised.
  assert.ok(seen.size >= 60, `only ${seen.size} codes seen: ${[...seen].join(', ')}`);
});

test('French readers see the problem in French, with the French field label and the column as written', () => {
  const fr = translator('fr');
  const [negative] = problemsOf({ titre: 'A', prix: '-5' });
  assert.equal(negative!.code, 'price_negative');
  assert.equal(problemText(fr, negative!), "prix (colonne « prix ») : '-5' est négatif ; un prix doit être positif ou nul");
  const [missing] = problemsOf({ price: 0 });
  assert.equal(problemText(fr, missing!), 'titre : manquant ; chaque cours doit avoir un titre');
  const html = problemsOf({ title: 'A', price: 1, description: '<p>a</p><p>b</p> &amp;' });
  assert.equal(problemText(fr, html[0]!), 'description : 4 balises HTML retirées, 1 entité décodée');
  const lesson = problemsOf({ title: 'A', price: 1, lessons: [{ title: 'M', video_url: 'ftp://x' }] });
  assert.equal(problemText(fr, lesson[0]!), "leçons[1].URL de la vidéo : 'ftp://x' n'est pas une URL http(s)");
  const kind = problemsOf({ title: 'A', price: 1, tags: 5 });
  assert.equal(problemText(fr, kind[0]!), "mots-clés : une liste de mots-clés était attendue (\"python, web\" ou un tableau), mais c'est un nombre");
});

test('a problem stored before codes existed, or with a code the catalogue lacks, is shown with its English message', () => {
  const fr = translator('fr');
  assert.equal(problemText(fr, { field: 'price', message: 'price: old text' }), 'price: old text');
  assert.equal(problemText(fr, { field: 'price', message: 'price: x', code: 'no_such_code', params: {} }), 'price: x');
  assert.equal(problemText(fr, { message: 'reader text', code: 'cartridge_version' }), 'reader text');
});

test('file warnings with parameters are rendered without a field prefix', () => {
  const fr = translator('fr');
  assert.equal(
    problemText(fr, { code: 'unknown_column', message: 'x', params: { column: 'Remarques' } }),
    'la colonne « Remarques » ne correspond à aucun champ de cours ; ses valeurs ont été ignorées',
  );
  assert.equal(problemText(fr, { code: 'encoding_guessed', message: 'x', params: { encoding: 'Windows-1252', context: 'singleByte' } }).startsWith("le fichier n'est pas en UTF-8 ; lu comme Windows-1252"), true);
  assert.equal(problemText(translator('en'), { code: 'warnings_truncated', message: 'x', params: { count: 1 } }), '1 more warning about this file was not kept');
});

test('quantities in a problem are written for the reader at render time: prices, hours, counts, sizes, levels', () => {
  const fr = translator('fr');
  const en = translator('en');
  // Intl's French uses a narrow no-break space (U+202F) between thousands and before € / h.
  const spaces = (s: string) => s.replace(/[\u202f\u00a0]/g, ' ');
  const [over] = problemsOf({ title: 'A', price: '200000' });
  assert.equal(spaces(problemText(fr, over!)), "prix : '200000' dépasse le maximum de 100 000,00 €");
  assert.equal(problemText(en, over!), "price: '200000' is over the maximum of €100,000.00");
  const [readAs] = problemsOf({ title: 'A', price: 1, duration: '12h30' });
  assert.equal(readAs!.code, 'duration_read_as');
  assert.equal(spaces(problemText(fr, readAs!)), "durée : '12h30' lu comme 12,5 h");
  assert.equal(problemText(en, readAs!), "duration: '12h30' read as 12.5 hrs");
  const rule = { field: 'price', code: 'rule_price_above', message: 'x', params: { value: 1299, max: 999.5 } };
  assert.equal(spaces(problemText(fr, rule)), 'prix : 1 299,00 € dépasse le prix maximum de 999,50 € fixé par les règles d\'import');
  // Rows stored before params were numbers held plain decimal text: formatted the same.
  assert.equal(spaces(problemText(fr, { ...rule, params: { value: '1299', max: '999.5' } })), spaces(problemText(fr, rule)));
  const cut = problemsOf({ title: 'A', price: 1, description: 'x'.repeat(150_000) }).find((p) => p.code === 'value_too_long' || p.code === 'text_cut');
  assert.match(spaces(problemText(fr, cut!)), /150 000 caractères/);
  assert.equal(spaces(problemText(fr, { field: '*', code: 'row_too_large', message: 'x', params: { size: 1.5 * 1024 * 1024, max: 1024 * 1024 } })), 'cette ligne fait 1,5 Mo ; 1 Mo au plus par ligne');
  const [level] = problemsOf({ title: 'A', price: 1, difficulty: 'Débutant+' });
  if (level?.code === 'difficulty_read_as') assert.match(problemText(fr, level), /lu comme débutant$/);
  const ambiguous = { field: 'difficulty', code: 'difficulty_ambiguous', message: 'x', params: { value: "'x'", matches: 'beginner and advanced' } };
  assert.match(problemText(fr, ambiguous), /\(débutant et avancé\)/);
  assert.match(problemText(en, ambiguous), /\(beginner and advanced\)/);
});

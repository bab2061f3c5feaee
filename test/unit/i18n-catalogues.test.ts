import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { areaFiles, localesDir, readCatalogue, translator, type Catalogue } from '../../src/i18n/i18n';
import { LANGUAGES, LOCALES, type Language } from '../../src/i18n/languages';

// The catalogues locales/<language>.json are edited by translators: every message must exist in every language,
// with the same placeholders, so no page shows a raw key or loses a value in one language.

const PLURAL_SUFFIX = /_(zero|one|two|few|many|other)$/;

/** Every leaf of a catalogue as 'a.b.c' -> text. */
function flatten(c: Catalogue, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(c)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out.set(key, v);
    else for (const [kk, vv] of flatten(v, key)) out.set(kk, vv);
  }
  return out;
}

/** Keys with their plural suffix removed: `rows_one` and `rows_other` are the message `rows`. */
function messages(lang: Language): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [key, text] of flatten(readCatalogue(lang))) {
    const base = key.replace(PLURAL_SUFFIX, '');
    out.set(base, [...(out.get(base) ?? []), text]);
  }
  return out;
}

function placeholders(text: string): string[] {
  return [...text.matchAll(/\{\{\s*([\w.]+)[^}]*\}\}/g)].map((m) => m[1]!).sort();
}

test('there is one catalogue per supported language and nothing else', () => {
  const files = readdirSync(localesDir).filter((f) => f.endsWith('.json')).sort();
  assert.deepEqual(files, [...LANGUAGES].map((l) => `${l}.json`).sort());
});

test('every language has the same area files', () => {
  const [first, ...others] = LANGUAGES;
  for (const lang of others) assert.deepEqual(areaFiles(lang), areaFiles(first), `locales/${lang}/ and locales/${first}/ differ`);
});

test('every message exists in every language', () => {
  const [first, ...others] = LANGUAGES;
  const reference = messages(first);
  for (const lang of others) {
    const other = messages(lang);
    const missingHere = [...reference.keys()].filter((k) => !other.has(k));
    const missingThere = [...other.keys()].filter((k) => !reference.has(k));
    assert.deepEqual(missingHere, [], `keys of ${first}.json missing in ${lang}.json`);
    assert.deepEqual(missingThere, [], `keys of ${lang}.json missing in ${first}.json`);
  }
});

test('a message has the same placeholders in every language', () => {
  const all = LANGUAGES.map((l) => [l, messages(l)] as const);
  const [, reference] = all[0]!;
  for (const [key, texts] of reference) {
    const expected = [...new Set(texts.flatMap(placeholders))].sort();
    for (const [lang, catalogue] of all.slice(1)) {
      const got = [...new Set((catalogue.get(key) ?? []).flatMap(placeholders))].sort();
      // A plural form may leave the count out ("un cours"), so the union over the forms is compared.
      assert.deepEqual(got, expected, `placeholders of ${key} differ between ${LANGUAGES[0]} and ${lang}`);
    }
  }
});

test('a plural message has every form CLDR gives its language (Intl.PluralRules)', () => {
  for (const lang of LANGUAGES) {
    const categories = new Intl.PluralRules(LOCALES[lang]).resolvedOptions().pluralCategories;
    const keys = [...flatten(readCatalogue(lang)).keys()];
    const plurals = new Set(keys.filter((k) => PLURAL_SUFFIX.test(k)).map((k) => k.replace(PLURAL_SUFFIX, '')));
    for (const base of plurals) {
      for (const category of categories) assert.ok(keys.includes(`${base}_${category}`), `${lang}.json: ${base}_${category} is missing`);
    }
  }
});

test('t() follows each language: French by default, plurals by CLDR', () => {
  assert.equal(translator('fr')('nav.dashboard'), 'Tableau de bord');
  assert.equal(translator('en')('nav.dashboard'), 'Dashboard');
  assert.equal(translator('fr')('imports.show.laterImport', { count: 1, date: 'hier' }), 'hier, 1 cours');
  assert.equal(translator('en')('imports.show.laterImport', { count: 1, date: 'yesterday' }), 'yesterday, 1 course');
  assert.equal(translator('en')('imports.show.laterImport', { count: 2, date: 'yesterday' }), 'yesterday, 2 courses');
  // The catalogue is not HTML-escaped by i18next: escaping is the template's job (eta's <%=).
  assert.equal(translator('en')('imports.upload.importing', { file: '<b>x</b>.csv' }), '<b>x</b>.csv was sent: its import is followed below.');
});

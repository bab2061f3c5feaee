// One i18next instance for the whole process, loaded synchronously from locales/<language>.json at first use.
// Plurals use i18next's JSON v4 suffixes (`key_one`, `key_many`, `key_other`), chosen by Intl.PluralRules, i.e.
// CLDR's rules for each language: French `0 ligne` / `1 ligne` / `2 lignes`, English `0 rows` / `1 row`.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import i18next, { type i18n as I18n, type TFunction } from 'i18next';
import { DEFAULT_LANGUAGE, LANGUAGES, type Language } from './languages';

export const localesDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'locales');

/** A catalogue: nested objects of strings, as a translator edits them in locales/<language>.json. */
export interface Catalogue {
  [key: string]: string | Catalogue;
}

/** The catalogue of one language, read from its file. */
export function readCatalogue(language: Language): Catalogue {
  return JSON.parse(readFileSync(path.join(localesDir, `${language}.json`), 'utf8')) as Catalogue;
}

let instance: I18n | undefined;

function i18n(): I18n {
  if (instance) return instance;
  const created = i18next.createInstance();
  void created.init({
    resources: Object.fromEntries(LANGUAGES.map((l) => [l, { translation: readCatalogue(l) }])),
    lng: DEFAULT_LANGUAGE,
    supportedLngs: [...LANGUAGES],
    // A key missing in English shows the French text rather than the raw key (the catalogue test keeps them equal).
    fallbackLng: DEFAULT_LANGUAGE,
    // Escaping is the template's job (eta's `<%=`), and emails / chat messages are not HTML.
    interpolation: { escapeValue: false },
    // Resources are in memory: init completes synchronously, so t() works right after.
    initAsync: false,
    returnNull: false,
  });
  instance = created;
  return created;
}

/** A translation function: `t('imports.preview.rows', { count: 3 })`. */
export type Translate = TFunction;

// One fixed t() per language: i18next's getFixedT builds a new function at each call, and translator() is
// called for every page rendered and several times per notice.
const translators = new Map<Language, Translate>();

/** t() bound to one language, built once per language. */
export function translator(language: Language): Translate {
  let t = translators.get(language);
  if (!t) translators.set(language, (t = i18n().getFixedT(language)));
  return t;
}

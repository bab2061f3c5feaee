// One i18next instance for the whole process, loaded synchronously at first use from locales/<language>.json
// and locales/<language>/<area>.json (one file per area of the product, e.g. feeds.json holds the `feeds` keys:
// a translator edits one area at a time, and features do not all edit one file).
// Plurals use i18next's JSON v4 suffixes (`key_one`, `key_many`, `key_other`), chosen by Intl.PluralRules, i.e.
// CLDR's rules for each language: French `0 ligne` / `1 ligne` / `2 lignes`, English `0 rows` / `1 row`.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import i18next, { type i18n as I18n, type TFunction } from 'i18next';
import { DEFAULT_LANGUAGE, LANGUAGES, type Language } from './languages';
import { projectPath } from '../paths';

export const localesDir = projectPath('locales');

/** A catalogue: nested objects of strings, as a translator edits them in locales/<language>.json. */
export interface Catalogue {
  [key: string]: string | Catalogue;
}

/** The area files of one language: locales/<language>/<area>.json, sorted by name. */
export function areaFiles(language: Language): string[] {
  const dir = path.join(localesDir, language);
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')).sort() : [];
}

/**
 * The catalogue of one language: locales/<language>.json, plus each area file under the key named by the file.
 * Throws when an area's key is also a key of the main file (a message must live in one place).
 */
export function readCatalogue(language: Language): Catalogue {
  const catalogue = JSON.parse(readFileSync(path.join(localesDir, `${language}.json`), 'utf8')) as Catalogue;
  for (const file of areaFiles(language)) {
    const area = file.slice(0, -'.json'.length);
    if (Object.hasOwn(catalogue, area)) throw new Error(`locales/${language}/${file}: the key '${area}' is also in ${language}.json`);
    catalogue[area] = JSON.parse(readFileSync(path.join(localesDir, language, file), 'utf8')) as Catalogue;
  }
  return catalogue;
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
  if (!t) {
    translators.set(language, (t = i18n().getFixedT(language)));
    languages.set(t, language);
  }
  return t;
}

// The language each translator() is bound to, so a renderer given only t() can format numbers for that reader.
const languages = new WeakMap<Translate, Language>();

/** The language of a t() made by translator(); the default language (French) for any other function. */
export function languageOf(t: Translate): Language {
  return languages.get(t) ?? DEFAULT_LANGUAGE;
}

// The languages the admin, the emails and the chat messages are written in. French first: it is the default.

/** Every supported language, the default first (French: the original specification and most users are French). */
export const LANGUAGES = ['fr', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Language = 'fr';

/** The BCP 47 locale used with Intl for a language: fr-FR (`1 299,00 €`), en-GB (`€1,299.00`, day before month). */
export const LOCALES: Readonly<Record<Language, string>> = { fr: 'fr-FR', en: 'en-GB' };

/** Whether a stored or posted value is a supported language code. */
export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

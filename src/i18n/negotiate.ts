// Which language a request is answered in: the signed-in user's saved choice, else the browser's
// Accept-Language (RFC 9110 §12.5.4, q-values honoured, parsed by `negotiator`, the parser Koa's
// ctx.acceptsLanguages uses), else French.
import Negotiator from 'negotiator';
import { DEFAULT_LANGUAGE, isLanguage, LANGUAGES, type Language } from './languages';

/** The best supported language for an Accept-Language header; French when the header is absent or names none of ours. */
export function languageFromAcceptLanguage(header: string | undefined): Language {
  if (!header) return DEFAULT_LANGUAGE;
  const [best] = new Negotiator({ headers: { 'accept-language': header } }).languages([...LANGUAGES]);
  return isLanguage(best) ? best : DEFAULT_LANGUAGE;
}

/** The language of a request: the saved choice wins over the header. */
export function chooseLanguage(saved: string | null | undefined, acceptLanguage: string | undefined): Language {
  return isLanguage(saved) ? saved : languageFromAcceptLanguage(acceptLanguage);
}

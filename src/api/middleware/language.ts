// Sets the language of the request (ctx.state.language) and t() bound to it (ctx.state.t): a person's saved
// choice, else the browser's Accept-Language, else French (src/i18n/negotiate.ts). JSON answers (REST, API
// tokens, fetch) stay English whatever the browser says: scripts and the CLI rely on their messages.
import type { Context, Middleware } from 'koa';
import { translator } from '../../i18n/i18n';
import { chooseLanguage } from '../../i18n/negotiate';
import type { Language } from '../../i18n/languages';
import { wantsJson } from './negotiate';

/** The language a request is answered in (works before the session is read: then Accept-Language alone). */
export function requestLanguage(ctx: Context): Language {
  if (wantsJson(ctx)) return 'en';
  return chooseLanguage(ctx.state.user?.language, ctx.get('Accept-Language') || undefined);
}

export function language(): Middleware {
  return async (ctx, next) => {
    ctx.state.language = requestLanguage(ctx);
    ctx.state.t = translator(ctx.state.language);
    // Caches between the browser and us must not give one language's page to a reader of the other.
    ctx.vary('Accept-Language');
    await next();
  };
}

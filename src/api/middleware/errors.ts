// The outermost middleware: any error (or an unmatched route) becomes an HTML page or an application/problem+json
// body. 5xx details are logged, never shown.
import { STATUS_CODES } from 'node:http';
import type { Context, Middleware } from 'koa';
import { wantsJson } from './negotiate';
import { requestLanguage } from './language';
import { translator, type Translate } from '../../i18n/i18n';

export function problem(ctx: Context, status: number, detail: string, extra: Record<string, unknown> = {}): void {
  ctx.status = status;
  ctx.type = 'application/problem+json';
  ctx.body = { type: 'about:blank', title: STATUS_CODES[status] ?? 'Error', status, detail, ...extra };
}

/** A message shown on the error page: the English one (JSON answers, logs) and how to say it in the reader's language. */
interface PageMessage {
  english: string;
  key?: string;
  params?: Record<string, unknown>;
}

/**
 * What a page shows of a refused request: its catalogue message (`i18n`, see HttpError) in the language of `t`, or
 * its English message when it names none.
 */
export function refusalText(t: Translate, english: string, i18n?: I18nMessage): string {
  return i18n ? t(i18n.key, i18n.params) : english;
}

function errorPage(ctx: Context, status: number, msg: PageMessage, extra: Record<string, unknown> = {}): void {
  const message = msg.english;
  if (wantsJson(ctx)) return problem(ctx, status, message, extra);
  try {
    const t = ctx.state.t ?? translator(requestLanguage(ctx));
    const titleKey = `errors.title.${status}`;
    const title = t(titleKey, { defaultValue: t('errors.title.other') });
    ctx.render('error', { title, status, message: refusalText(t, message, msg.key ? { key: msg.key, params: msg.params } : undefined) }, status);
  } catch (renderError) {
    ctx.state.log?.error({ err: renderError }, 'the error page could not be rendered');
    ctx.status = status;
    ctx.type = 'text/plain';
    ctx.body = `${status} ${STATUS_CODES[status] ?? ''}\n${message}\n`;
  }
}

export function errorHandler(): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body == null) errorPage(ctx, 404, { english: 'There is no page at this address.', key: 'errors.noPage' });
      else if (ctx.status === 405 && ctx.body == null) {
        errorPage(ctx, 405, { english: `${ctx.method} is not allowed here.`, key: 'errors.methodNotAllowed', params: { method: ctx.method } });
      }
    } catch (err) {
      const e = err as { status?: number; statusCode?: number; expose?: boolean; message?: string; headers?: Record<string, string>; i18n?: I18nMessage; problem?: Record<string, unknown> };
      const status = Number(e.status ?? e.statusCode) || 500;
      if (status >= 500) ctx.state.log?.error({ err }, 'request failed');
      else ctx.state.log?.debug({ status, message: e.message }, 'request refused');
      const shown = status < 500 && e.expose !== false && e.message;
      const message: PageMessage = shown
        ? { english: e.message!, ...e.i18n }
        : { english: 'Something went wrong on our side. The error is logged; try again or ask an administrator.', key: 'errors.internal' };
      if (e.headers) ctx.set(e.headers);
      // An error may carry extension members for its problem+json answer (e.g. ValidationError's `errors`).
      const extra = shown && e.problem && typeof e.problem === 'object' ? e.problem : {};
      errorPage(ctx, status, message, extra);
    }
  };
}

/** An error whose message is shown to the user (4xx); errorHandler turns it into the page or problem+json. */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  readonly expose = true;
  constructor(
    readonly status: number,
    message: string,
    /** The catalogue key of the message for the HTML page; `message` (English) stays for JSON answers and logs. */
    readonly i18n?: I18nMessage,
  ) {
    super(message);
  }
}

/** A message of locales/<language>.json: its key and placeholder values. */
export interface I18nMessage {
  key: string;
  params?: Record<string, unknown>;
}

/**
 * `ctx.throw` that TypeScript knows never returns (narrowing after `if (!x) fail(404, …)`). `message` is English
 * (problem+json, logs); with `i18n` the HTML page shows that catalogue message in the reader's language instead.
 */
export function fail(status: number, message: string, i18n?: I18nMessage): never {
  throw new HttpError(status, message, i18n);
}

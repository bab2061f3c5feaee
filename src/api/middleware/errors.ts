// The outermost middleware: any error (or an unmatched route) becomes an HTML page or an application/problem+json
// body. 5xx details are logged, never shown.
import { STATUS_CODES } from 'node:http';
import type { Context, Middleware } from 'koa';
import { wantsJson } from './negotiate';

export function problem(ctx: Context, status: number, detail: string, extra: Record<string, unknown> = {}): void {
  ctx.status = status;
  ctx.type = 'application/problem+json';
  ctx.body = { type: 'about:blank', title: STATUS_CODES[status] ?? 'Error', status, detail, ...extra };
}

function errorPage(ctx: Context, status: number, message: string): void {
  if (wantsJson(ctx)) return problem(ctx, status, message);
  try {
    ctx.render('error', { title: STATUS_CODES[status] ?? 'Error', status, message }, status);
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
      if (ctx.status === 404 && ctx.body == null) errorPage(ctx, 404, 'There is no page at this address.');
      else if (ctx.status === 405 && ctx.body == null) errorPage(ctx, 405, `${ctx.method} is not allowed here.`);
    } catch (err) {
      const e = err as { status?: number; statusCode?: number; expose?: boolean; message?: string; headers?: Record<string, string> };
      const status = Number(e.status ?? e.statusCode) || 500;
      if (status >= 500) ctx.state.log?.error({ err }, 'request failed');
      else ctx.state.log?.debug({ status, message: e.message }, 'request refused');
      const message = status < 500 && e.expose !== false && e.message ? e.message : 'Something went wrong on our side. The error is logged; try again or ask an administrator.';
      if (e.headers) ctx.set(e.headers);
      errorPage(ctx, status, message);
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
  ) {
    super(message);
  }
}

/** `ctx.throw` that TypeScript knows never returns (narrowing after `if (!x) fail(404, …)`). */
export function fail(status: number, message: string): never {
  throw new HttpError(status, message);
}

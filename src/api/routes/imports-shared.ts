// Small helpers shared by the imports routers.
import type { Context } from 'koa';

export const IMPORTS_PATH = '/admin-dashboard/imports/';

export function importPagePath(id: string): string {
  return `${IMPORTS_PATH}${id}/`;
}

/**
 * A text field of a parsed body (urlencoded, JSON or multipart), trimmed; '' when absent. Only to show a refused
 * form again as it was typed (the feed form): what a route acts on comes from validate().
 */
export function bodyField(ctx: Context, name: string): string {
  const body = ctx.request.body;
  if (!body || typeof body !== 'object' || Array.isArray(body)) return '';
  const v = (body as Record<string, unknown>)[name];
  const first = Array.isArray(v) ? v[0] : v;
  if (typeof first === 'boolean') return String(first);
  return typeof first === 'string' ? first.trim() : '';
}

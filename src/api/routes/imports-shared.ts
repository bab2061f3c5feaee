// Small helpers shared by the imports routers.
import type { Context } from 'koa';
import { fail } from '../middleware/errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const IMPORTS_PATH = '/admin-dashboard/imports/';

export function importPagePath(id: string): string {
  return `${IMPORTS_PATH}${id}/`;
}

/** A text field of a parsed body (urlencoded, JSON or multipart), trimmed; '' when absent. */
export function bodyField(ctx: Context, name: string): string {
  const body = ctx.request.body;
  if (!body || typeof body !== 'object' || Array.isArray(body)) return '';
  const v = (body as Record<string, unknown>)[name];
  const first = Array.isArray(v) ? v[0] : v;
  if (typeof first === 'boolean') return String(first);
  return typeof first === 'string' ? first.trim() : '';
}

export function queryField(ctx: Context, name: string): string {
  const v = ctx.query[name];
  const first = Array.isArray(v) ? v[0] : v;
  return typeof first === 'string' ? first.trim() : '';
}

/** The :id of the route, which must be a uuid (a 404 otherwise, before any query). */
export function importIdParam(ctx: Context): string {
  const id = String(ctx.params.id ?? '');
  if (!UUID.test(id)) fail(404, 'There is no such import.', { key: 'errors.noSuchImport' });
  return id.toLowerCase();
}

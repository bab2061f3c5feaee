// /static/<file> from public/, read once at start-up. URLs from assetUrl() carry the content hash, so the
// browser may keep them for a year; a changed file gets a new URL.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Context, Middleware } from 'koa';
import { fail } from './errors';
import { projectPath } from '../../paths';

export const publicDir = projectPath('public');

const TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** A file served from memory: its bytes, Content-Type and content hash (the `?v=` of its URL). */
export interface Asset {
  body: Buffer;
  type: string;
  hash: string;
}

function load(dir: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || entry.name.startsWith('.')) continue;
    const full = path.join(entry.parentPath, entry.name);
    const type = TYPES[path.extname(entry.name).toLowerCase()];
    if (!type) continue;
    const body = readFileSync(full);
    const rel = path.relative(dir, full).split(path.sep).join('/');
    assets.set(rel, { body, type, hash: createHash('sha256').update(body).digest('hex').slice(0, 12) });
  }
  return assets;
}

let assets: Map<string, Asset> | undefined;
function all(): Map<string, Asset> {
  assets ??= load(publicDir);
  return assets;
}

/** '/static/app.css?v=<hash>' for templates. */
export function assetUrl(name: string): string {
  const a = all().get(name);
  return a ? `/static/${name}?v=${a.hash}` : `/static/${name}`;
}

export function staticFiles(): Middleware {
  return async (ctx, next) => {
    if (!ctx.path.startsWith('/static/')) return next();
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') ctx.throw(405);
    // Looked up by exact name in the map: '..' or an encoded slash can never reach the file system.
    sendAsset(ctx, all().get(ctx.path.slice('/static/'.length)), 'public');
  };
}

/**
 * Answers with an in-memory asset (404 when undefined): ETag from its hash, a year's immutable caching when the
 * request carries the current `?v=<hash>`, five minutes otherwise, 304 for a matching If-None-Match. `scope`:
 * 'private' for files only signed-in users may load (shared caches must not keep them).
 */
export function sendAsset(ctx: Context, asset: Asset | undefined, scope: 'public' | 'private'): void {
  if (!asset) fail(404, 'No such file.');
  const etag = `"${asset.hash}"`;
  ctx.set('ETag', etag);
  ctx.set('Cache-Control', ctx.query.v === asset.hash ? `${scope}, max-age=31536000, immutable` : `${scope}, max-age=300`);
  if (ctx.get('If-None-Match') === etag) {
    ctx.status = 304;
    return;
  }
  ctx.type = asset.type;
  ctx.body = asset.body;
}

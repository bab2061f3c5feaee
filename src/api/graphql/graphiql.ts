// The GraphiQL page's assets (issue 13): the official `graphiql` package's prebuilt browser bundle (its UMD build,
// the one that needs no bundler), the React 18 production UMD builds it runs on, and graphql-sse's browser client
// (subscriptions), all served from node_modules by the app itself: the page loads nothing from elsewhere, and its
// CSP keeps `script-src 'self'`.
//
// Only the files named in VENDOR are served, read once and looked up by exact name (no path from the request ever
// reaches the file system). URLs carry a content hash, so the browser may keep them for a year.
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Context } from 'koa';
import { sendAsset, type Asset } from '../middleware/static';

export const GRAPHIQL_ASSETS_PATH = '/graphql/assets/';

const require = createRequire(import.meta.url);

/** The folder of an installed package (from its package.json, or its main file when package.json is not exported). */
function packageDir(name: string, viaMain = false): string {
  return viaMain ? path.resolve(path.dirname(require.resolve(name)), '..') : path.dirname(require.resolve(`${name}/package.json`));
}

/** Served name -> [package, file inside it, resolve through main]. */
const VENDOR: Record<string, [string, string, boolean]> = {
  'react.production.min.js': ['react', 'umd/react.production.min.js', false],
  'react-dom.production.min.js': ['react-dom', 'umd/react-dom.production.min.js', false],
  'graphiql.min.js': ['graphiql', 'graphiql.min.js', false],
  'graphiql.min.css': ['graphiql', 'graphiql.min.css', false],
  'graphql-sse.min.js': ['graphql-sse', 'umd/graphql-sse.min.js', true],
};

type VendorAsset = Asset;

let assets: Map<string, VendorAsset> | undefined;

/** Reads the vendor files once; throws (at the first page or asset request) when a package is not installed. */
function all(): Map<string, VendorAsset> {
  if (assets) return assets;
  const loaded = new Map<string, VendorAsset>();
  for (const [name, [pkg, file, viaMain]] of Object.entries(VENDOR)) {
    // The bundles end with a sourceMappingURL comment whose .map is not served: dropped, so that a browser with
    // its developer tools open does not ask for it.
    const text = readFileSync(path.join(packageDir(pkg, viaMain), file), 'utf8').replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n');
    const body = Buffer.from(text, 'utf8');
    const type = name.endsWith('.css') ? 'text/css; charset=utf-8' : 'text/javascript; charset=utf-8';
    loaded.set(name, { body, type, hash: createHash('sha256').update(body).digest('hex').slice(0, 12) });
  }
  assets = loaded;
  return loaded;
}

/** '/graphql/assets/graphiql.min.js?v=<hash>' for the page's template; throws for a name not in VENDOR. */
export function graphiqlAssetUrl(name: string): string {
  const a = all().get(name);
  if (!a) throw new Error(`not a GraphiQL asset: ${name}`);
  return `${GRAPHIQL_ASSETS_PATH}${name}?v=${a.hash}`;
}

/**
 * GET /graphql/assets/:name: one of the vendor files (404 for any other name), cacheable when the hash matches.
 * `name` is the route's validated path parameter (graphqlApi.asset), looked up by exact name in VENDOR.
 */
export function serveGraphiqlAsset(koa: Context, name: string): void {
  sendAsset(koa, all().get(name), 'private');
}

/** A fresh CSP nonce (128 random bits, base64), for one response. */
export function newNonce(): string {
  return randomBytes(16).toString('base64');
}

/**
 * The GraphiQL page's Content-Security-Policy, from the app's (`base`, set by securityHeaders) with two additions
 * and nothing else: `style-src` takes this response's nonce, because GraphiQL's dialogs (react-remove-scroll-bar)
 * insert a <style> element, which the page's script marks with the nonce (through `__webpack_nonce__`, the global
 * that library reads); and `font-src` takes `data:`, because graphiql.min.css embeds its fonts as data: URLs.
 * Scripts stay `'self'` only: no inline script, no eval. Throws when the base policy lacks those directives.
 */
export function graphiqlCsp(base: string, nonce: string): string {
  if (!/(^|;\s*)style-src 'self'/.test(base) || !/(^|;\s*)font-src 'self'/.test(base)) throw new Error(`unexpected CSP: ${base}`);
  return base.replace(/(^|;\s*)style-src 'self'/, `$1style-src 'self' 'nonce-${nonce}'`).replace(/(^|;\s*)font-src 'self'/, '$1font-src \'self\' data:');
}

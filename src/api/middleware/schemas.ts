// The published schemas of the course format, at stable URLs without authentication (like /api/openapi.json:
// they hold no data): /schemas/course.schema.json (JSON Schema 2020-12, generated from the zod schema by
// `npm run schemas`) and /schemas/courses.xsd (XML Schema 1.0). Read once from public/schemas/.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Middleware } from 'koa';
import { publicDir } from './static';

const SCHEMAS: Record<string, string> = {
  'course.schema.json': 'application/schema+json',
  'courses.xsd': 'application/xml; charset=utf-8',
};

let bodies: Map<string, Buffer> | undefined;
function body(name: string): Buffer {
  bodies ??= new Map(Object.keys(SCHEMAS).map((n) => [n, readFileSync(path.join(publicDir, 'schemas', n))]));
  return bodies.get(name)!;
}

/** GET /schemas/<name> for the names above; anything else under /schemas/ is a 404 from the next middleware. */
export function schemaFiles(): Middleware {
  return async (ctx, next) => {
    const name = ctx.path.startsWith('/schemas/') ? ctx.path.slice('/schemas/'.length) : '';
    if (!Object.hasOwn(SCHEMAS, name) || (ctx.method !== 'GET' && ctx.method !== 'HEAD')) return next();
    ctx.set('Cache-Control', 'public, max-age=300');
    // Editors fetch a schema from any origin.
    ctx.set('Access-Control-Allow-Origin', '*');
    ctx.type = SCHEMAS[name]!;
    ctx.body = body(name);
  };
}

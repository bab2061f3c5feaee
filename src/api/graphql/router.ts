// The GraphQL endpoints (issue 13): /graphql (GraphQL over HTTP with graphql-http, plus the GraphQL multipart
// request convention for uploads), /graphql/stream (subscriptions over server-sent events with graphql-sse),
// /graphql/schema.graphql (the persisted schema), and the GraphiQL page /admin-dashboard/graphql/ (also what a
// browser gets for GET /graphql), with its assets under /graphql/assets/ (graphiql.ts).
//
// Security is the app's: sessions and API tokens are read by the app's middleware before this router, CSRF is
// checked by the global csrf middleware for every POST made with a session cookie (X-CSRF-Token header, or
// `_csrf` in the query string of a multipart request), and every route here requires a user. /graphql is
// outside /api/, so the global guard does not cover it: requireUser does. Viewers may POST (a GraphQL query
// is a POST): what they may not do is run a mutation, refused per operation by the resolvers (resolvers.ts).
import Router from '@koa/router';
import type { Context, Next } from 'koa';
import { createHandler as createHttpHandler, type Request as HttpRequest } from 'graphql-http';
import { createHandler as createSseHandler } from 'graphql-sse/lib/use/koa';
import { GraphQLError, printSchema, specifiedRules, validate, type GraphQLFormattedError } from 'graphql';
import type { ApiDeps } from '../deps';
import { allowViewerWrite, requireUser } from '../middleware/auth';
import { discardUploads, formBody, uploadBody } from '../middleware/body';
import { graphqlSchema } from './schema';
import { limitRules, parseLimited } from './limits';
import { UploadedFile, type GraphQLContext } from './resolvers';
import { GRAPHIQL_ASSETS_PATH, graphiqlAssetUrl, graphiqlCsp, newNonce, serveGraphiqlAsset } from './graphiql';
import { z } from 'zod';
import { check, defineRoute, first, koaPath, responses, validate as validateInput, type RouteSpec } from '../validate';

export const GRAPHQL_PATH = '/graphql';
export const GRAPHQL_STREAM_PATH = '/graphql/stream';
export const GRAPHQL_SCHEMA_PATH = '/graphql/schema.graphql';
export const GRAPHIQL_PATH = '/admin-dashboard/graphql/';

/** A document's text: the parser refuses more than 5000 tokens (limits.ts); this bounds the characters first. */
const MAX_DOCUMENT_CHARS = 1_000_000;
/** A GraphQL request as JSON (GraphQL over HTTP); graphql-http then checks its meaning. */
const graphqlRequest = z
  .object({
    query: z.string().max(MAX_DOCUMENT_CHARS),
    variables: z.record(z.string(), z.unknown()).nullable().optional(),
    operationName: z.string().max(1000).nullable().optional(),
    extensions: z.record(z.string(), z.unknown()).nullable().optional(),
  })
  .loose();
/** GraphQL over GET: the same request as query parameters (variables as JSON text); a URL is short anyway. */
const graphqlQuery = z.object({
  query: first(z.string().max(100_000)).optional(),
  variables: first(z.string().max(100_000)).optional().meta({ description: 'JSON' }),
  operationName: first(z.string().max(1000)).optional(),
});

export const graphqlApi = {
  post: defineRoute({
    method: 'post',
    path: GRAPHQL_PATH,
    input: { body: graphqlRequest },
    doc: {
      summary: 'GraphQL over HTTP: queries, and mutations for administrators (viewers: queries only)',
      tags: ['graphql'],
      description:
        'A GraphQL request as JSON ({query, variables, operationName}); a file for startImport as a GraphQL multipart request (operations, map, then the file). Same authentication as REST; with a session cookie, send the X-CSRF-Token header. Limits: depth 8, cost 5000, 100 items a page, 5000 tokens, 1 MB. The schema: /graphql/schema.graphql.',
      bodyTypes: ['application/json'],
      bodyRequired: true,
      responses: {
        200: { description: 'A GraphQL response ({data, errors})', content: { 'application/graphql-response+json': {}, 'application/json': {} } },
        400: { description: 'Invalid document or over a limit (GraphQL errors)' },
        401: responses.unauthorized,
        403: responses.forbidden,
      },
    },
  }),
  /** The GraphQL multipart request's text fields (the file itself is uploadBody's). */
  postMultipart: defineRoute({
    method: 'post',
    path: GRAPHQL_PATH,
    input: { body: z.object({ operations: first(z.string().max(MAX_DOCUMENT_CHARS)).optional(), map: first(z.string().max(10_000)).optional() }).loose() },
  }),
  get: defineRoute({
    method: 'get',
    path: GRAPHQL_PATH,
    input: { query: graphqlQuery },
    doc: {
      summary: 'GraphQL queries over GET (?query=…), or, for a browser asking for HTML, the GraphiQL page',
      tags: ['graphql'],
      description:
        "With `Accept: application/graphql-response+json` (or application/json) and a `query` parameter: a query (never a mutation). A browser (Accept text/html, no query) is redirected to the GraphiQL page /admin-dashboard/graphql/, served from the app's own assets.",
      responses: { 200: { description: 'A GraphQL response' }, 302: { description: 'To the GraphiQL page' }, 401: responses.unauthorized },
    },
  }),
  stream: defineRoute({
    method: 'post',
    path: GRAPHQL_STREAM_PATH,
    input: { body: graphqlRequest },
    doc: {
      summary: 'GraphQL subscriptions (importProgress) as server-sent events, graphql-sse protocol (distinct connections)',
      tags: ['graphql'],
      description: "The body is a GraphQL request for a subscription; the answer is text/event-stream: `next` events with each result, then `complete` (importProgress ends with the import's summary).",
      bodyTypes: ['application/json'],
      bodyRequired: true,
      responses: { 200: { description: 'An event stream', content: { 'text/event-stream': {} } }, 400: { description: 'Invalid document or over a limit' }, 401: responses.unauthorized },
    },
  }),
  streamGet: defineRoute({
    method: 'get',
    path: GRAPHQL_STREAM_PATH,
    input: { query: graphqlQuery },
    doc: {
      summary: 'GraphQL subscriptions over GET (?query=…) as server-sent events, graphql-sse protocol (distinct connections)',
      tags: ['graphql'],
      responses: { 200: { description: 'An event stream', content: { 'text/event-stream': {} } }, 400: { description: 'Invalid document or over a limit' }, 401: responses.unauthorized },
    },
  }),
  schema: defineRoute({
    method: 'get',
    path: GRAPHQL_SCHEMA_PATH,
    input: {},
    doc: { summary: 'The GraphQL schema (SDL), as committed in src/api/graphql/schema.graphql', tags: ['graphql'], responses: { 200: { description: 'text/plain' }, 401: responses.unauthorized } },
  }),
  graphiql: defineRoute({ method: 'get', path: GRAPHIQL_PATH, input: {} }),
  asset: defineRoute({ method: 'get', path: `${GRAPHIQL_ASSETS_PATH}{name}`, input: { params: z.object({ name: z.string().max(200) }) } }),
};

/**
 * Checks a request against its declaration and answers a refusal as GraphQL errors (400, as graphql-http answers
 * a malformed request), not as problem+json: GraphQL clients read `errors`. Returns whether the request may go on.
 */
function accepted(koa: Context, spec: RouteSpec): boolean {
  const r = check(koa, spec);
  if (!r.ok) badRequest(koa, r.error.message);
  return r.ok;
}

/**
 * Whether a GET /graphql is a browser opening the page rather than a GraphQL-over-HTTP request: no `query`
 * parameter and HTML preferred to JSON by the Accept header (a browser's navigation sends text/html first).
 */
function wantsGraphiql(koa: Context): boolean {
  return koa.query.query === undefined && koa.accepts('application/graphql-response+json', 'application/json', 'text/html') === 'text/html';
}

function contextOf(koa: Context, deps: ApiDeps): GraphQLContext {
  // requireUser ran before: there is a user.
  return { koa, deps, user: koa.state.user!, memo: new Map() };
}

/**
 * Errors a resolver did not mean to show (a database or Temporal failure) are logged and replaced by a generic
 * message, as the REST API's 500 pages are: their text can hold internal details.
 */
function maskErrors<T extends { errors?: ReadonlyArray<GraphQLError> }>(result: T, koa: Context): T {
  if (!result.errors?.length) return result;
  const errors = result.errors.map((e) => {
    if (!e.originalError || e.originalError instanceof GraphQLError) return e;
    koa.state.log?.error({ err: e.originalError, path: e.path }, 'graphql resolver failed');
    return new GraphQLError('Something went wrong on our side. The error is logged; try again or ask an administrator.', { nodes: e.nodes, path: e.path, extensions: { code: 'INTERNAL' } });
  });
  return { ...result, errors };
}

function badRequest(koa: Context, message: string): void {
  koa.status = 400;
  koa.type = 'application/json';
  koa.body = { errors: [{ message, extensions: { code: 'BAD_REQUEST' } } satisfies GraphQLFormattedError] };
}

/** Sets `value` at a dotted path ("variables.input.file") of the operations object; false when there is no such place. */
function setPath(target: Record<string, unknown>, dotted: string, value: unknown): boolean {
  const keys = dotted.split('.');
  let node: unknown = target;
  for (const key of keys.slice(0, -1)) {
    if (!node || typeof node !== 'object') return false;
    node = (node as Record<string, unknown>)[key];
  }
  const last = keys[keys.length - 1]!;
  if (!node || typeof node !== 'object' || !(last in node)) return false;
  (node as Record<string, unknown>)[last] = value;
  return true;
}

/** The files a multipart request's operations hold, to remove those no import took once the request is answered. */
const uploadsOf = new WeakMap<Context, UploadedFile[]>();

interface UploadedPart {
  filepath: string;
  originalFilename?: string | null;
}

/**
 * The GraphQL multipart request convention (https://github.com/jaydenseric/graphql-multipart-request-spec):
 * `operations` (the JSON request with null where files go), `map` (file field -> paths in operations), then the
 * files. The files were stored by uploadBody (size limit, one file, incoming/); this puts an UploadedFile at each
 * mapped path. Returns the operations object, or an error message. Batched operations (an array) are refused.
 */
function multipartOperations(koa: Context): Record<string, unknown> | string {
  const created: UploadedFile[] = [];
  uploadsOf.set(koa, created);
  const body = (koa.request.body ?? {}) as Record<string, unknown>;
  const text = (name: string): string => {
    const v = body[name];
    return typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : '';
  };
  let operations: unknown;
  let map: unknown;
  try {
    operations = JSON.parse(text('operations'));
    map = JSON.parse(text('map') || '{}');
  } catch {
    return 'operations and map must be JSON (GraphQL multipart request).';
  }
  if (!operations || typeof operations !== 'object' || Array.isArray(operations)) return 'operations must be one GraphQL request object (batching is not supported).';
  if (!map || typeof map !== 'object' || Array.isArray(map)) return 'map must be an object of file field names to paths.';
  const files = (koa.request.files ?? {}) as Record<string, UploadedPart | UploadedPart[] | undefined>;
  for (const [field, paths] of Object.entries(map as Record<string, unknown>)) {
    const f = files[field];
    const part = Array.isArray(f) ? f[0] : f;
    if (!part) return `map names a file "${field.slice(0, 40)}" that was not sent.`;
    if (!Array.isArray(paths) || paths.length !== 1 || typeof paths[0] !== 'string') return `map["${field.slice(0, 40)}"] must list exactly one path.`;
    const file = new UploadedFile(part.filepath, part.originalFilename ?? null);
    created.push(file);
    if (!paths[0].startsWith('variables.') || !setPath(operations as Record<string, unknown>, paths[0], file)) {
      return `map["${field.slice(0, 40)}"]: ${paths[0].slice(0, 80)} is not a null variable of operations.`;
    }
  }
  return operations as Record<string, unknown>;
}

/** The body parser of /graphql: JSON (1 MB) for queries, multipart (MAX_FILE_MB, one file) for uploads. */
function graphqlBody(deps: ApiDeps) {
  const json = formBody();
  const upload = uploadBody(deps.config);
  return (koa: Context, next: Next) => (koa.is('multipart') ? upload(koa, next) : json(koa, next));
}

/** graphql-http's handler, given a request built from Koa's (so a multipart request reaches it as JSON). */
function httpHandler(deps: ApiDeps) {
  const schema = graphqlSchema();
  const handle = createHttpHandler<Context, GraphQLContext, GraphQLContext>({
    schema,
    parse: (source) => parseLimited(source),
    validationRules: limitRules,
    context: (req) => req.context,
    onOperation: (req, _args, result) => ('errors' in result ? maskErrors(result, req.context.koa) : result),
  });
  return async (koa: Context) => {
    const context = contextOf(koa, deps);
    let body: Record<string, unknown> | string | null;
    let contentType = koa.get('Content-Type');
    if (koa.is('multipart')) {
      const ops = multipartOperations(koa);
      if (typeof ops === 'string') return badRequest(koa, ops);
      body = ops;
      contentType = 'application/json';
    } else {
      const parsed = koa.request.body as unknown;
      body = parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
    }
    const req: HttpRequest<Context, GraphQLContext> = {
      method: koa.method,
      url: koa.url,
      headers: { get: (name: string) => (name.toLowerCase() === 'content-type' ? contentType : koa.get(name) || null) },
      body: koa.method === 'GET' ? null : body,
      raw: koa,
      context,
    };
    const [out, init] = await handle(req);
    koa.status = init.status;
    for (const [name, value] of Object.entries(init.headers ?? {})) koa.set(name, String(value));
    koa.body = out ?? '';
    koa.set('Cache-Control', 'no-store');
  };
}

/** graphql-sse's Koa handler (distinct connections mode: one stream per operation). */
function sseHandler(deps: ApiDeps) {
  const schema = graphqlSchema();
  return createSseHandler<GraphQLContext>({
    schema,
    // Our parse (token limit) and validation (depth, cost) instead of the library's plain ones.
    onSubscribe: (req, params) => {
      const document = parseLimited(params.query);
      return { schema, document, operationName: params.operationName ?? null, variableValues: params.variables ?? {}, contextValue: contextOf(req.context, deps) };
    },
    validate: (s, document) => validate(s, document, [...specifiedRules, ...limitRules]),
    onNext: (ctx, _req, result) => maskErrors(result, ctx.koa),
  });
}

/** The GraphQL routes (see the file's header). */
export function graphqlRoutes(deps: ApiDeps): Router {
  const router = new Router();
  // A viewer's POST is a query; their mutations are refused operation by operation (see the header).
  allowViewerWrite(/^\/graphql(\/stream)?\/?$/);
  const http = httpHandler(deps);
  const sse = sseHandler(deps);
  const body = graphqlBody(deps);

  router.get(koaPath(graphqlApi.get), requireUser, async (koa) => {
    if (wantsGraphiql(koa)) return koa.redirect(GRAPHIQL_PATH);
    if (!accepted(koa, graphqlApi.get)) return;
    await http(koa);
  });
  router.post(koaPath(graphqlApi.post), requireUser, body, async (koa) => {
    try {
      if (!accepted(koa, koa.is('multipart') ? graphqlApi.postMultipart : graphqlApi.post)) return;
      await http(koa);
    } finally {
      // Files of a request whose operation did not start an import (refused, invalid, a viewer's) are removed.
      // (One file per request at most: uploadBody's limit.)
      if (!(uploadsOf.get(koa) ?? []).some((f) => f.consumed)) await discardUploads(koa);
    }
  });

  const stream = async (koa: Context, next: Next) => {
    if (!accepted(koa, koa.method === 'GET' ? graphqlApi.streamGet : graphqlApi.stream)) return;
    try {
      await sse(koa, next);
    } catch (err) {
      // A malformed document (over the token limit, a syntax error) is the client's; anything else is ours.
      if (err instanceof GraphQLError) return badRequest(koa, err.message);
      throw err;
    }
  };
  router.get(koaPath(graphqlApi.streamGet), requireUser, stream);
  router.post(koaPath(graphqlApi.stream), requireUser, formBody(), stream);

  router.get(koaPath(graphqlApi.schema), requireUser, (koa) => {
    koa.type = 'text/plain; charset=utf-8';
    koa.body = printSchema(graphqlSchema());
  });

  // GraphiQL, for any signed-in user: a viewer explores and runs queries, their mutations are refused (resolvers).
  router.get(koaPath(graphqlApi.graphiql), requireUser, (koa) => {
    const nonce = newNonce();
    koa.render('graphql/graphiql', {
      title: koa.state.t('graphql.title'),
      nav: 'graphql',
      endpoint: GRAPHQL_PATH,
      streamEndpoint: GRAPHQL_STREAM_PATH,
      schemaUrl: GRAPHQL_SCHEMA_PATH,
      nonce,
      vendor: graphiqlAssetUrl,
    });
    koa.set('Content-Security-Policy', graphiqlCsp(koa.response.get('Content-Security-Policy'), nonce));
  });
  router.get(koaPath(graphqlApi.asset), requireUser, (koa) => {
    // A name over its bound is no asset: 404, as an unknown name is.
    return serveGraphiqlAsset(koa, validateInput(koa, graphqlApi.asset).params.name);
  });
  return router;
}

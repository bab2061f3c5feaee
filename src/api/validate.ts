// Input validated at the edge (issue 15, point 6): every route declares what it accepts (query, path parameters,
// body) as zod schemas in one `defineRoute()` next to its handler, reads its input through `validate()`, and the
// OpenAPI document (src/api/openapi.ts) is generated from the same declarations, so what the document says a
// route accepts is what the route checks.
import type { Context } from 'koa';
import { z } from 'zod';
import type { ZodOpenApiOperationObject } from 'zod-openapi';
import { HttpError } from './middleware/errors';
import { wantsJson } from './middleware/negotiate';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** What a route accepts. Each schema gets what Koa parsed: ctx.query (strings, or arrays of repeated names), ctx.params (strings), ctx.request.body. */
export interface RouteInput {
  query?: z.ZodType;
  params?: z.ZodType;
  body?: z.ZodType;
}

/** How the route appears in the OpenAPI document: everything but its input, which comes from `input`. */
export interface RouteDoc extends Omit<ZodOpenApiOperationObject, 'requestParams' | 'requestBody' | 'parameters'> {
  /** The media types the body may come as (default: JSON and an urlencoded form, what formBody() parses). */
  bodyTypes?: string[];
  /** Whether the body is required (default: true when the body schema refuses an empty object). */
  bodyRequired?: boolean;
  /**
   * The body as the document shows it, when the request carries more than the parsed fields the route validates
   * (a multipart upload's file, checked by uploadBody()): derive it from `input.body` (`.extend({ file })`).
   */
  bodySchema?: z.ZodType;
}

/** One route: its method, its path as OpenAPI writes it (`/api/imports/{id}`), its input and its documentation. */
export interface RouteSpec<I extends RouteInput = RouteInput> {
  method: Method;
  path: string;
  input: I;
  /** Absent: a page for people (HTML), validated the same way but not in the REST document. */
  doc?: RouteDoc;
  /**
   * The 404 message when a path parameter breaks its schema: such a path names no resource (RFC 9110 §15.5.5),
   * as an unknown id does: its English message and its catalogue key. Default: "There is no page at this address."
   */
  notFound?: { message: string; key?: string };
}

/**
 * Declares a route (returns its argument, typed). The path uses OpenAPI's `{name}` parameters; `koaPath(spec)` is
 * the same path for @koa/router.
 */
export function defineRoute<I extends RouteInput>(spec: RouteSpec<I>): RouteSpec<I> {
  return spec;
}

/** The @koa/router form of a declared path: `{id}` becomes `:id`. */
export function koaPath(spec: Pick<RouteSpec, 'path'>): string {
  return spec.path.replace(/\{([A-Za-z_]\w*)\}/g, ':$1');
}

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

/** The parsed input of a route: each part as its schema outputs it (undefined for a part the route does not declare). */
export interface Validated<I extends RouteInput> {
  query: Out<I['query']>;
  params: Out<I['params']>;
  body: Out<I['body']>;
}

type Part = 'query' | 'params' | 'body';
const PARTS: Part[] = ['params', 'query', 'body'];

/** One refused value, as listed in the problem's `errors` (RFC 9457 §3 shows such an extension member). */
export interface InputIssue {
  /** Where the value was: the query string, the path, or the body. */
  in: Part;
  /** The field's name (dotted for nested fields, '' for the whole part). */
  name: string;
  /** RFC 6901 JSON Pointer to the value inside its part. */
  pointer: string;
  /** Why it was refused (English, as zod says it). */
  detail: string;
}

const WHERE: Record<Part, string> = { query: 'query parameter', params: 'path parameter', body: 'field' };

function nameOf(path: readonly PropertyKey[]): string {
  return path.map((p) => String(p)).join('.');
}

function pointerOf(path: readonly PropertyKey[]): string {
  return path.map((p) => `/${String(p).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

function sentence(part: Part, name: string, detail: string): string {
  return name ? `The ${WHERE[part]} "${name}" is invalid: ${detail}.` : `The request's ${part === 'body' ? 'body' : part} is invalid: ${detail}.`;
}

/**
 * A request whose input breaks its route's schema: 400, with a message naming the first field (English for JSON
 * answers and logs; `i18n` for the HTML page) and `problem.errors` listing every refused value.
 */
export class ValidationError extends HttpError {
  /** Extension members of the problem+json answer (RFC 9457 §3.2). */
  readonly problem: { errors: InputIssue[] };
  constructor(
    readonly issues: InputIssue[],
    localized?: { detail: string },
  ) {
    const first = issues[0]!;
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
    super(400, `${sentence(first.in, first.name, first.detail)}${more}`, {
      key: first.name ? `validation.${first.in}` : 'validation.whole',
      params: { name: first.name, reason: localized?.detail ?? first.detail, more: issues.length - 1, count: issues.length - 1 },
    });
    this.problem = { errors: issues };
  }
}

function issuesOf(part: Part, error: z.ZodError): InputIssue[] {
  return error.issues.map((i) => ({ in: part, name: nameOf(i.path), pointer: pointerOf(i.path), detail: i.message }));
}

/** zod's messages in the reader's language for the HTML page (zod 4 ships French and English). */
function localeErrors(language: string | undefined): z.core.$ZodErrorMap | undefined {
  return language === 'fr' ? z.locales.fr().localeError : undefined;
}

function rawPart(ctx: Context, part: Part): unknown {
  if (part === 'query') return ctx.query;
  if (part === 'params') return ctx.params ?? {};
  const body: unknown = ctx.request.body;
  // koa-body leaves an empty object when nothing was sent; a route without a body parser leaves undefined.
  return body === undefined || body === null ? {} : body;
}

/**
 * Checks a request's input against its route's schemas. Returns `{ ok: true, value }` with each part parsed, or
 * `{ ok: false, error }` (a ValidationError, not thrown) for a route that answers refused input in its own way,
 * e.g. by showing its form again with the message.
 */
export function check<I extends RouteInput>(ctx: Context, spec: Pick<RouteSpec<I>, 'input'>): { ok: true; value: Validated<I> } | { ok: false; error: ValidationError } {
  const value: Record<Part, unknown> = { query: undefined, params: undefined, body: undefined };
  const issues: InputIssue[] = [];
  const failed: Part[] = [];
  for (const part of PARTS) {
    const schema = spec.input[part];
    if (!schema) continue;
    const r = schema.safeParse(rawPart(ctx, part));
    if (r.success) value[part] = r.data;
    else {
      issues.push(...issuesOf(part, r.error));
      failed.push(part);
    }
  }
  if (issues.length === 0) return { ok: true, value: value as unknown as Validated<I> };
  // The page says it in the reader's language; a JSON client reads English (as every other problem here).
  const errorMap = wantsJson(ctx) ? undefined : localeErrors(ctx.state.language as string | undefined);
  let localized: { detail: string } | undefined;
  if (errorMap) {
    const first = spec.input[failed[0]!]!.safeParse(rawPart(ctx, failed[0]!), { error: errorMap });
    if (!first.success && first.error.issues[0]) localized = { detail: first.error.issues[0].message };
  }
  return { ok: false, error: new ValidationError(issues, localized) };
}

/**
 * Parses a request's query, path parameters and body with its route's schemas and returns them typed. Throws a
 * ValidationError (400) naming the refused fields: errorHandler answers it as application/problem+json
 * (RFC 9457, with an `errors` member) to JSON clients and as the error page to a browser. A path parameter that
 * breaks its schema is a 404 instead (`spec.notFound`), as the routes answered an unknown id before.
 */
export function validate<I extends RouteInput>(ctx: Context, spec: Pick<RouteSpec<I>, 'input' | 'notFound'>): Validated<I> {
  const r = check(ctx, spec);
  if (r.ok) return r.value;
  if (r.error.issues.some((i) => i.in === 'params')) {
    if (spec.notFound) throw new HttpError(404, spec.notFound.message, spec.notFound.key ? { key: spec.notFound.key } : undefined);
    throw new HttpError(404, 'There is no page at this address.', { key: 'errors.noPage' });
  }
  throw r.error;
}

// ---- Building blocks for query strings and forms, where every value arrives as a string (or an array of them).

/** Koa gives a repeated query parameter as an array: its first value, as a person's hand-edited URL means. */
export function first<T extends z.ZodType>(schema: T) {
  return z.preprocess((v) => (Array.isArray(v) ? (v as unknown[])[0] : v), schema);
}

/**
 * An optional form field: its first value, trimmed; an empty field counts as absent (a form sends every input,
 * filled or not), then `schema` checks what is left.
 */
export function field<T extends z.ZodType>(schema: T) {
  return z.preprocess((v) => {
    const f = Array.isArray(v) ? (v as unknown[])[0] : v;
    if (typeof f !== 'string') return f;
    const t = f.trim();
    return t === '' ? undefined : t;
  }, schema.optional());
}

/**
 * A required form field, read like field(): an empty one counts as absent, and `schema` says what is missing
 * (e.g. `z.string({ error: (i) => (i.input === undefined ? 'url is required' : undefined) })`).
 */
export function requiredField<T extends z.ZodType>(schema: T) {
  return z.preprocess((v) => {
    const f = Array.isArray(v) ? (v as unknown[])[0] : v;
    if (typeof f !== 'string') return f;
    const t = f.trim();
    return t === '' ? undefined : t;
  }, schema);
}

/** A bounded text field: trimmed, at most `max` characters (what the database and the pages expect). */
export function text(max: number) {
  return z.string().trim().max(max);
}

/** A positive integer given as text (a page number, an id), at most `max`. */
export function positiveInt(max = 2_147_483_647) {
  return z.coerce.number().int().min(1).max(max);
}

/** A UUID path parameter (import, feed, bulk action ids). */
export const uuid = z.string().uuid();

/** Zero, one or several values of a repeated field (`ids=1&ids=2`, or a JSON array), at most `max`. */
export function many<T extends z.ZodType>(item: T, max: number) {
  return z.union([item, z.array(item).max(max)]).transform((v): z.output<T>[] => (Array.isArray(v) ? v : [v]) as z.output<T>[]);
}

/** Shared OpenAPI responses (components/responses of the document). */
export const responses = {
  problem: { $ref: '#/components/responses/Problem' },
  unauthorized: { $ref: '#/components/responses/Unauthorized' },
  forbidden: { $ref: '#/components/responses/Forbidden' },
} as const;

/** A problem+json response with its own description. */
export function problemResponse(description: string) {
  return { description, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } } as const;
}

/**
 * A refused input's message for a page, in the reader's language (`t` of the request): what a form shows above
 * its fields or flashes when check() refused it.
 */
export function refusalText(t: (key: string, params?: Record<string, unknown>) => string, error: ValidationError): string {
  return error.i18n ? t(error.i18n.key, error.i18n.params) : error.message;
}

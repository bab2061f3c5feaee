// The OpenAPI 3.1 description of every REST endpoint of the admin, served at /api/openapi.json (publicly: it
// describes the API and holds no data). Each feature owns one section below: add your paths to it.
import Router from '@koa/router';
import type { ApiDeps } from './deps';

type PathItem = Record<string, unknown>;

const problem = { $ref: '#/components/responses/Problem' };
const unauthorized = { $ref: '#/components/responses/Unauthorized' };
const forbidden = { $ref: '#/components/responses/Forbidden' };

/** Identity, audit, this document. */
const foundationPaths: Record<string, PathItem> = {
  '/api/openapi.json': {
    get: { summary: 'This document', security: [], tags: ['meta'], responses: { 200: { description: 'OpenAPI 3.1 document', content: { 'application/json': {} } } } },
  },
  '/api/me': {
    get: {
      summary: 'Who the request acts as',
      tags: ['meta'],
      responses: {
        200: {
          description: 'The identity behind the token or session',
          content: { 'application/json': { schema: { type: 'object', required: ['email', 'role', 'via'], properties: { email: { type: 'string', description: "staff email, or 'token:<name>'" }, role: { enum: ['admin', 'viewer'] }, via: { enum: ['session', 'token'] } } } } },
        },
        401: unauthorized,
      },
    },
  },
  '/api/audit': {
    get: {
      summary: 'The audit log, newest first',
      tags: ['audit'],
      parameters: [
        { name: 'action', in: 'query', schema: { type: 'string' }, description: "exact action, or a prefix ending in '.' or '*' (bulk.*)" },
        { name: 'actor', in: 'query', schema: { type: 'string' }, description: 'part of the actor (email or token:<name>)' },
        { name: 'target', in: 'query', schema: { type: 'string' } },
        { name: 'page', in: 'query', schema: { type: 'integer', minimum: 1 } },
      ],
      responses: {
        200: {
          description: 'A page of entries (100 per page)',
          content: { 'application/json': { schema: { type: 'object', properties: { page: { type: 'integer' }, perPage: { type: 'integer' }, total: { type: 'integer' }, entries: { type: 'array', items: { $ref: '#/components/schemas/AuditEntry' } } } } } },
        },
        401: unauthorized,
      },
    },
  },
};

/** Imports: upload, status, preview / confirm / discard, cancel, revert, templates (the imports feature). */
const importPaths: Record<string, PathItem> = {
  '/admin-dashboard/courses/import/': {
    post: {
      summary: 'Import a file (CSV, JSON, Excel)',
      tags: ['imports'],
      description: 'multipart/form-data with one file. With a session, the CSRF token goes in the `_csrf` query parameter; with an API token nothing else is needed.',
      requestBody: {
        required: true,
        content: {
          'multipart/form-data': {
            schema: {
              type: 'object',
              required: ['file'],
              properties: {
                file: { type: 'string', format: 'binary' },
                mode: { enum: ['create_or_update', 'create_only', 'update_only'], default: 'create_or_update' },
                dry_run: { type: 'boolean', default: false, description: 'test mode: preview, then confirm or discard' },
              },
            },
          },
        },
      },
      responses: {
        202: { description: 'Accepted: the import id and its status URL' },
        400: problem,
        401: unauthorized,
        403: forbidden,
        413: { description: 'The file is over MAX_FILE_MB', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } },
        415: { description: 'Unknown file type', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } },
      },
    },
  },
  '/admin-dashboard/courses/template/': {
    post: {
      summary: 'Download an example file that imports cleanly',
      tags: ['imports'],
      requestBody: {
        content: {
          'application/x-www-form-urlencoded': {
            schema: { type: 'object', properties: { template_type: { enum: ['simple', 'bulk', 'with_lessons'] }, format_type: { enum: ['csv', 'json', 'xlsx'] } } },
          },
        },
      },
      responses: { 200: { description: 'The file, as an attachment' }, 400: problem, 401: unauthorized },
    },
  },
  '/api/imports/{id}': {
    get: {
      summary: 'An import: status, counts, progress, errors',
      tags: ['imports'],
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
      responses: { 200: { description: 'The import' }, 401: unauthorized, 404: problem },
    },
  },
};

/** Courses: search, suggestions, bulk actions, exports, reindex (the courses feature). */
const coursePaths: Record<string, PathItem> = {
  '/admin-dashboard/elasticsearch/reindex/': {
    post: {
      summary: 'Rebuild the index from PostgreSQL and switch the alias atomically',
      tags: ['courses'],
      responses: { 202: { description: 'The reindex workflow was started' }, 401: unauthorized, 403: forbidden },
    },
  },
};

/** Monitoring: consumer (watcher) and Elasticsearch status (the monitoring feature). */
const monitoringPaths: Record<string, PathItem> = {
  '/admin-dashboard/pipeline/consumer/status/': {
    get: { summary: 'Health of the watcher ("consumer") and the workers', tags: ['monitoring'], responses: { 200: { description: 'Status' }, 401: unauthorized } },
  },
  '/admin-dashboard/elasticsearch/status/': {
    get: { summary: 'Elasticsearch cluster health, document count, index size', tags: ['monitoring'], responses: { 200: { description: 'Status' }, 401: unauthorized } },
  },
};

export const openapiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'Course import admin API',
    version: '1.0.0',
    description:
      'REST endpoints of the course import admin. Authenticate with `Authorization: Bearer <token>` (tokens are created by an administrator on /admin-dashboard/users/; a viewer token can only read). Errors are application/problem+json.',
  },
  servers: [{ url: '/' }],
  security: [{ bearerAuth: [] }],
  paths: { ...foundationPaths, ...importPaths, ...coursePaths, ...monitoringPaths },
  components: {
    securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', description: 'An API token (cit_…)' } },
    schemas: {
      Problem: {
        type: 'object',
        required: ['title', 'status'],
        properties: { type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, detail: { type: 'string' } },
      },
      AuditEntry: {
        type: 'object',
        properties: {
          id: { type: 'integer' },
          at: { type: 'string', format: 'date-time' },
          actor: { type: 'string' },
          action: { type: 'string' },
          target: { type: ['string', 'null'] },
          ip: { type: 'string' },
          detail: { type: ['object', 'null'] },
        },
      },
    },
    responses: {
      Problem: { description: 'The request was refused', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } },
      Unauthorized: { description: 'No valid session or API token', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } },
      Forbidden: { description: 'The role (viewer) may not do this', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } },
    },
  },
};

export function openapiRoutes(_deps: ApiDeps): Router {
  const router = new Router();
  router.get('/api/openapi.json', (ctx) => {
    ctx.set('Cache-Control', 'public, max-age=300');
    ctx.body = openapiDocument;
  });
  return router;
}

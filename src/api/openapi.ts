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
  '/schemas/course.schema.json': {
    get: { summary: 'The JSON Schema (2020-12) of a JSON or YAML course file, generated from the zod schema', security: [], tags: ['meta'], responses: { 200: { description: 'JSON Schema', content: { 'application/schema+json': {} } } } },
  },
  '/schemas/courses.xsd': {
    get: { summary: 'The XML Schema of an XML course file', security: [], tags: ['meta'], responses: { 200: { description: 'XML Schema 1.0', content: { 'application/xml': {} } } } },
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
      summary: 'Import a file (CSV, TSV, JSON, Excel .xlsx / .xls, OpenDocument .ods, XML, YAML)',
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
                file: { type: 'string', format: 'binary', description: 'a .csv, .tsv, .json, .xlsx, .xls, .ods, .xml, .yaml or .yml file (course format: /schemas/course.schema.json, /schemas/courses.xsd)' },
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
            schema: { type: 'object', properties: { template_type: { enum: ['simple', 'bulk', 'with_lessons'] }, format_type: { enum: ['csv', 'json', 'xlsx', 'ods', 'xml', 'yaml'] } } },
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
  '/admin-dashboard/imports/': {
    get: {
      summary: 'The imports history, newest first (JSON with Accept: application/json or a token)',
      tags: ['imports'],
      parameters: [
        { name: 'status', in: 'query', schema: { type: 'string' } },
        { name: 'source', in: 'query', schema: { enum: ['upload', 'drop', 'cli', 'api'] } },
        { name: 'from', in: 'query', schema: { type: 'string', format: 'date' }, description: 'first day (UTC), inclusive' },
        { name: 'to', in: 'query', schema: { type: 'string', format: 'date' }, description: 'last day (UTC), inclusive' },
        { name: 'file', in: 'query', schema: { type: 'string' }, description: 'part of the file name' },
        { name: 'page', in: 'query', schema: { type: 'integer', minimum: 1 } },
      ],
      responses: { 200: { description: '{ page, perPage, total, imports[] } (50 per page)' }, 401: unauthorized },
    },
  },
  '/admin-dashboard/imports/{id}/confirm/': {
    post: { summary: 'Apply a test-mode import exactly as previewed (no new upload)', tags: ['imports'], parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }], responses: { 202: { description: 'Signalled' }, 401: unauthorized, 403: forbidden, 404: problem, 409: problem } },
  },
  '/admin-dashboard/imports/{id}/discard/': {
    post: { summary: 'Drop a test-mode import: nothing is written', tags: ['imports'], parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }], responses: { 202: { description: 'Signalled' }, 401: unauthorized, 403: forbidden, 404: problem, 409: problem } },
  },
  '/admin-dashboard/imports/{id}/cancel/': {
    post: { summary: 'Cancel a running import: the file goes to error/, anything written is undone', tags: ['imports'], parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }], responses: { 202: { description: 'Cancel requested' }, 401: unauthorized, 403: forbidden, 404: problem, 409: problem } },
  },
  '/admin-dashboard/imports/{id}/revert/': {
    post: {
      summary: 'Revert a finished import (workflow revert-<id>): created courses deleted, changed ones restored',
      tags: ['imports'],
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
      requestBody: { content: { 'application/x-www-form-urlencoded': { schema: { type: 'object', properties: { force: { type: 'boolean', description: 'revert even when later imports changed the same courses' } } } } } },
      responses: { 202: { description: 'Revert started' }, 401: unauthorized, 403: forbidden, 404: problem, 409: { description: 'Not finished, already reverted, or later imports changed the same courses (listed)', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } } },
    },
  },
  '/admin-dashboard/imports/{id}/failed-rows.csv': {
    get: { summary: 'The failed rows with their original columns and an error column, ready to fix and re-import', tags: ['imports'], parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }], responses: { 200: { description: 'text/csv' }, 401: unauthorized, 404: problem } },
  },
};

/** The course list's filters, shared by the search and the export. */
const courseFilterParameters = [
        { name: 'q', in: 'query', schema: { type: 'string', maxLength: 200 }, description: 'full text: title, description, instructor, tags, lessons (French and English, accents ignored)' },
        { name: 'category', in: 'query', schema: { type: 'array', items: { type: 'string' } }, style: 'form', explode: true },
        { name: 'difficulty', in: 'query', schema: { type: 'array', items: { enum: ['beginner', 'intermediate', 'advanced', 'all_levels'] } }, style: 'form', explode: true },
        { name: 'learning_mode', in: 'query', schema: { type: 'array', items: { enum: ['text', 'video', 'practice', 'mixed'] } }, style: 'form', explode: true },
        { name: 'is_free', in: 'query', schema: { type: 'boolean' } },
        { name: 'is_active', in: 'query', schema: { type: 'boolean' } },
        { name: 'price_min', in: 'query', schema: { type: 'number', minimum: 0 } },
        { name: 'price_max', in: 'query', schema: { type: 'number', minimum: 0 } },
      ];

/** Courses: search, suggestions, bulk actions, exports, reindex (the courses feature). */
const coursePaths: Record<string, PathItem> = {
  '/admin-dashboard/elasticsearch/reindex/': {
    post: {
      summary: 'Rebuild the index from PostgreSQL and switch the alias atomically',
      tags: ['courses'],
      responses: { 202: { description: 'The reindex workflow was started' }, 401: unauthorized, 403: forbidden },
    },
  },
  '/admin-dashboard/courses/': {
    get: {
      summary: 'Search courses (Elasticsearch; PostgreSQL when it is disabled): hits, facet counts, highlights',
      tags: ['courses'],
      description: 'JSON with `Accept: application/json` or an API token. Every first-page search is recorded for the search analytics.',
      parameters: [
        ...courseFilterParameters,
        { name: 'sort', in: 'query', schema: { enum: ['relevance', 'title', 'price_asc', 'price_desc', 'newest', 'quality'] } },
        { name: 'page', in: 'query', schema: { type: 'integer', minimum: 1 } },
        { name: 'per_page', in: 'query', schema: { enum: [10, 20, 50, 100] } },
      ],
      responses: { 200: { description: '{query, total, backend, tookMs, hits[{id, title, …, highlight{field: [escaped HTML with <mark>]}}], facets{category, difficulty, learning_mode, is_free, is_active: [{value, count}]}}' }, 401: unauthorized },
    },
  },
  '/admin-dashboard/courses/{id}/': {
    get: {
      summary: 'A course with its lessons and the imports that touched it',
      tags: ['courses'],
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer' } }],
      responses: { 200: { description: '{course, imports}' }, 401: unauthorized, 404: problem },
    },
  },
  '/api/courses/suggest': {
    get: {
      summary: 'Autocomplete: titles, instructors and tags starting with the typed text',
      tags: ['courses'],
      parameters: [{ name: 'q', in: 'query', required: true, schema: { type: 'string', maxLength: 100 } }],
      responses: { 200: { description: '{query, suggestions: [{text, courseId, title, url}]}' }, 401: unauthorized },
    },
  },
  '/admin-dashboard/courses/bulk/': {
    post: {
      summary: 'A bulk action (activate, deactivate, duplicate, delete) on ticked ids or on every course matching filters',
      tags: ['courses'],
      description: 'Runs as the bulkCourses workflow. Up to BULK_INLINE_MAX courses the answer waits for the result (200); above, it answers 202 and the progress is at progressUrl. Deleting needs `confirm: true`.',
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: {
              type: 'object',
              required: ['action'],
              properties: {
                action: { enum: ['activate', 'deactivate', 'duplicate', 'delete'] },
                ids: { type: 'array', items: { type: 'integer' }, maxItems: 1000 },
                filters: { type: 'object', description: 'the query parameters of GET /admin-dashboard/courses/ as an object' },
                confirm: { type: 'boolean' },
              },
            },
          },
        },
      },
      responses: {
        200: { description: 'Finished: {bulkId, workflowId, progressUrl, action, status, total, processed, created[], error}' },
        202: { description: 'Running: {bulkId, workflowId, progressUrl, status}' },
        400: problem,
        401: unauthorized,
        403: forbidden,
      },
    },
  },
  '/admin-dashboard/courses/bulk/{id}/': {
    get: {
      summary: "A bulk action's progress",
      tags: ['courses'],
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
      responses: { 200: { description: '{bulkId, action, status, total, processed, done, message}' }, 401: unauthorized, 404: problem },
    },
  },
  '/admin-dashboard/courses/export/': {
    get: {
      summary: 'Export every course matching the filters (CSV, JSON or Excel, the import formats)',
      tags: ['courses'],
      parameters: [{ name: 'format', in: 'query', required: true, schema: { enum: ['csv', 'json', 'xlsx', 'xml', 'yaml'] } }, ...courseFilterParameters],
      responses: { 200: { description: 'The file (streamed), re-importable as it is' }, 400: problem, 401: unauthorized },
    },
    post: {
      summary: 'Export ticked ids or every course matching filters',
      tags: ['courses'],
      requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', required: ['format'], properties: { format: { enum: ['csv', 'json', 'xlsx', 'xml', 'yaml'] }, ids: { type: 'array', items: { type: 'integer' } }, filters: { type: 'object' } } } } } },
      responses: { 200: { description: 'The file (streamed)' }, 400: problem, 401: unauthorized },
    },
  },
  '/admin-dashboard/search-analytics/': {
    get: { summary: 'Top queries, queries without result, searches per day (14 days)', tags: ['courses'], responses: { 200: { description: '{days, topQueries, zeroResultQueries, perDay}' }, 401: unauthorized } },
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
  '/admin-dashboard/pipeline/monitoring/': {
    get: { summary: 'Ingest folders, running imports with progress, workers, watcher, Elasticsearch, recent errors', tags: ['monitoring'], description: 'JSON with `Accept: application/json` or an API token (also at /api/monitoring).', responses: { 200: { description: 'A monitoring snapshot' }, 401: unauthorized } },
  },
  '/admin-dashboard/': {
    get: { summary: 'Dashboard figures, imports per day and status (14 days), latest imports', tags: ['monitoring'], responses: { 200: { description: '{figures, perDay, latest}' }, 401: unauthorized } },
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

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
                file: { type: 'string', format: 'binary', description: 'a .csv, .tsv, .json, .xlsx, .xls, .ods, .xml, .yaml, .yml or .imscc (IMS Common Cartridge 1.1–1.3, one course) file (course format: /schemas/course.schema.json, /schemas/courses.xsd); Moodle "Upload courses" and Canvas SIS courses.csv files are read as CSV' },
                mode: { enum: ['create_or_update', 'create_only', 'update_only'], default: 'create_or_update' },
                dry_run: { type: 'boolean', default: false, description: 'test mode: preview, then confirm or discard' },
                mapping_profile: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$', description: 'a column mapping profile (see /admin-dashboard/mapping-profiles/) to read the file with; its latest version is recorded with the import' },
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
        422: { description: 'No mapping profile has the name given in mapping_profile', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } },
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
      description: 'While the import runs, `stepProgress` is the running step\'s progress: `{step: parse|normalize|upsert|index, done, total, percent, estimated}` (total null when unknown; the parse step\'s total is estimated from the file\'s lines), updated at least every second.',
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
        { name: 'category', in: 'query', schema: { type: 'array', items: { type: 'string' } }, style: 'form', explode: true, description: 'the category as written in the source' },
        { name: 'category_id', in: 'query', schema: { type: 'array', items: { type: 'integer', minimum: 1 }, maxItems: 50 }, style: 'form', explode: true, description: 'taxonomy categories (issue 14; GET /admin-dashboard/categories/ lists them)' },
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
      responses: { 200: { description: '{query, total, backend, tookMs, hits[{id, title, …, highlight{field: [escaped HTML with <mark>]}}], facets{category, category_id (value: the category id, label: its name in the reader\'s language), difficulty, learning_mode, is_free, is_active: [{value, count, label?}]}}' }, 401: unauthorized },
    },
  },
  '/admin-dashboard/categories/': {
    get: {
      summary: 'The category taxonomy (issue 14): every category with its course count, and the near-duplicate pairs the assisted merge proposes',
      tags: ['courses'],
      description: 'JSON with `Accept: application/json` or an API token.',
      responses: { 200: { description: '{categories[{id, slug, nameFr, nameEn, synonyms, parentId, active, mergedInto, courses}], duplicates[{keep, merge, reason: same_folded|translation|similar, score}]}' }, 401: unauthorized },
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
                action: { enum: ['activate', 'deactivate', 'duplicate', 'delete', 'suggest_categories'] },
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
      parameters: [{ name: 'format', in: 'query', required: true, description: 'imscc / imscc11: IMS Common Cartridge 1.3 / 1.1 (a zip of one .imscc per course); moodle: Moodle "Upload courses" CSV; canvas: Canvas SIS courses.csv', schema: { enum: ['csv', 'json', 'xlsx', 'xml', 'yaml', 'imscc', 'imscc11', 'moodle', 'canvas'] } }, ...courseFilterParameters],
      responses: { 200: { description: 'The file (streamed), re-importable as it is' }, 400: problem, 401: unauthorized },
    },
    post: {
      summary: 'Export ticked ids or every course matching filters',
      tags: ['courses'],
      requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', required: ['format'], properties: { format: { enum: ['csv', 'json', 'xlsx', 'xml', 'yaml', 'imscc', 'imscc11', 'moodle', 'canvas'], description: 'imscc / imscc11 with exactly one id: that course\'s .imscc; otherwise a zip of cartridges' }, ids: { type: 'array', items: { type: 'integer' } }, filters: { type: 'object' } } } } } },
      responses: { 200: { description: 'The file (streamed)' }, 400: problem, 401: unauthorized },
    },
  },
  '/admin-dashboard/search-analytics/': {
    get: { summary: 'Top queries, queries without result, searches per day (14 days)', tags: ['courses'], responses: { 200: { description: '{days, topQueries, zeroResultQueries, perDay}' }, 401: unauthorized } },
  },
};

/** Column mapping profiles (issue 12): list, history, export and import as JSON. */
const mappingProfilePaths: Record<string, PathItem> = {
  '/admin-dashboard/mapping-profiles/': {
    get: { summary: 'The column mapping profiles with their latest version', tags: ['mapping profiles'], responses: { 200: { description: '{ profiles: [{name, version, versions, updated_at, updated_by}] }' }, 401: unauthorized } },
  },
  '/admin-dashboard/mapping-profiles/{name}/': {
    get: {
      summary: "A profile's latest rules and its history (who saved which version, what changed)",
      tags: ['mapping profiles'],
      parameters: [{ name: 'name', in: 'path', required: true, schema: { type: 'string' } }],
      responses: { 200: { description: '{ name, version, rules, history: [{version, change_note, created_by, created_at}] }' }, 401: unauthorized, 404: problem },
    },
  },
  '/admin-dashboard/mapping-profiles/{name}/export.json': {
    get: {
      summary: 'A profile as a JSON document to import into another environment',
      tags: ['mapping profiles'],
      parameters: [{ name: 'name', in: 'path', required: true, schema: { type: 'string' } }, { name: 'version', in: 'query', schema: { type: 'integer', minimum: 1 }, description: 'default: the latest' }],
      responses: { 200: { description: 'The export', content: { 'application/json': { schema: { $ref: '#/components/schemas/MappingProfileExport' } } } }, 401: unauthorized, 404: problem },
    },
  },
  '/admin-dashboard/mapping-profiles/import/': {
    post: {
      summary: 'Import a profile exported elsewhere: saved as a new version of its name (nothing when the rules are the same)',
      tags: ['mapping profiles'],
      requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/MappingProfileExport' } } } },
      responses: { 200: { description: 'Unchanged: {name, version, created: false}' }, 201: { description: 'Saved: {name, version, created: true, changes}' }, 401: unauthorized, 403: forbidden, 422: problem },
    },
  },
};

/** Import from a URL and feeds (issue 12). */
const feedPaths: Record<string, PathItem> = {
  '/admin-dashboard/courses/import/url/': {
    post: {
      summary: 'Import a file from an https:// URL: downloaded (size and time limits, at most 3 redirects, public addresses only unless URL_IMPORT_ALLOW_HOSTS), then imported as an upload',
      tags: ['imports'],
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: {
              type: 'object',
              required: ['url'],
              properties: {
                url: { type: 'string', format: 'uri', maxLength: 2048 },
                mode: { enum: ['create_or_update', 'create_only', 'update_only'], default: 'create_or_update' },
                dry_run: { type: 'boolean', default: false },
                mapping_profile: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' },
              },
            },
          },
        },
      },
      responses: {
        202: { description: 'Accepted: {importId, workflowId, statusUrl, page, fileName, sha256, mode, dryRun, mappingProfile}' },
        400: problem, 401: unauthorized, 403: forbidden,
        409: { description: 'The same content is already being imported' },
        413: { description: 'The file is over MAX_FILE_MB (counted while downloading)' },
        415: { description: 'Not a catalogue file (content type or first bytes)' },
        422: { description: 'The URL (or a redirect) is refused by the address policy, or the mapping profile is unknown' },
        502: { description: 'The server answered an HTTP error, too many redirects, or could not be reached' },
        504: { description: 'The download took longer than URL_IMPORT_TIMEOUT' },
      },
    },
  },
  '/admin-dashboard/feeds/': {
    get: { summary: 'The feeds, each with its last run', tags: ['feeds'], responses: { 200: { description: '{ feeds: [{id, name, url, schedule, mode, mapping_profile, paused, last_run, last_import_status}] }' }, 401: unauthorized } },
    post: {
      summary: 'Create a feed: a URL imported on a schedule (one Temporal Schedule per feed), only when its content changed',
      tags: ['feeds'],
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: {
              type: 'object',
              required: ['name', 'url', 'schedule'],
              properties: {
                name: { type: 'string', maxLength: 100 },
                url: { type: 'string', format: 'uri', maxLength: 2048 },
                schedule: { type: 'string', description: 'an interval (30m, 6h, 1d; at least 5m) or a 5-field cron expression read in DISPLAY_TIMEZONE' },
                mode: { enum: ['create_or_update', 'create_only', 'update_only'], default: 'create_or_update' },
                mapping_profile: { type: 'string' },
              },
            },
          },
        },
      },
      responses: { 201: { description: '{id, name, url, schedule, mode, mappingProfile, page}' }, 400: problem, 401: unauthorized, 403: forbidden, 409: problem, 422: problem },
    },
  },
  '/admin-dashboard/feeds/{id}/': {
    get: { summary: 'A feed and its latest runs (imported, unchanged or failed)', tags: ['feeds'], parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }], responses: { 200: { description: '{feed, runs}' }, 401: unauthorized, 404: problem } },
  },
  '/admin-dashboard/feeds/{id}/run': {
    post: { summary: 'Run the feed now', tags: ['feeds'], parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }], responses: { 202: { description: 'Started' }, 409: { description: 'A manual run is still going on' }, 401: unauthorized, 403: forbidden, 404: problem } },
  },
  '/admin-dashboard/feeds/{id}/pause': {
    post: { summary: 'Pause the feed (its Schedule)', tags: ['feeds'], parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }], responses: { 200: { description: 'Paused' }, 401: unauthorized, 403: forbidden, 404: problem } },
  },
  '/admin-dashboard/feeds/{id}/resume': {
    post: { summary: 'Resume the feed', tags: ['feeds'], parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }], responses: { 200: { description: 'Resumed' }, 401: unauthorized, 403: forbidden, 404: problem } },
  },
  '/admin-dashboard/feeds/{id}/delete': {
    post: { summary: 'Delete the feed, its Schedule and its run history (its imports stay)', tags: ['feeds'], parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }], responses: { 200: { description: 'Deleted' }, 401: unauthorized, 403: forbidden, 404: problem } },
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

/** GraphQL (issue 13): described here only as endpoints; the API itself is the schema at /graphql/schema.graphql. */
const graphqlPaths: Record<string, PathItem> = {
  '/graphql': {
    post: {
      summary: 'GraphQL over HTTP: queries, and mutations for administrators (viewers: queries only)',
      tags: ['graphql'],
      description:
        'A GraphQL request as JSON ({query, variables, operationName}); a file for startImport as a GraphQL multipart request (operations, map, then the file). Same authentication as REST; with a session cookie, send the X-CSRF-Token header. Limits: depth 8, cost 5000, 100 items a page, 5000 tokens, 1 MB. The schema: /graphql/schema.graphql.',
      requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', required: ['query'], properties: { query: { type: 'string' }, variables: { type: ['object', 'null'] }, operationName: { type: ['string', 'null'] } } } }, 'multipart/form-data': {} } },
      responses: { 200: { description: 'A GraphQL response ({data, errors})', content: { 'application/graphql-response+json': {}, 'application/json': {} } }, 400: { description: 'Invalid document or over a limit (GraphQL errors)' }, 401: unauthorized, 403: forbidden },
    },
    get: {
      summary: 'GraphQL queries over GET (?query=…), or, for a browser asking for HTML, the GraphiQL page',
      tags: ['graphql'],
      description: 'With `Accept: application/graphql-response+json` (or application/json) and a `query` parameter: a query (never a mutation). A browser (Accept text/html, no query) is redirected to the GraphiQL page /admin-dashboard/graphql/, served from the app\'s own assets.',
      parameters: [{ name: 'query', in: 'query', required: false, schema: { type: 'string' } }, { name: 'variables', in: 'query', required: false, schema: { type: 'string' }, description: 'JSON' }, { name: 'operationName', in: 'query', required: false, schema: { type: 'string' } }],
      responses: { 200: { description: 'A GraphQL response' }, 302: { description: 'To the GraphiQL page' }, 401: unauthorized },
    },
  },
  '/graphql/stream': {
    post: {
      summary: 'GraphQL subscriptions (importProgress) as server-sent events, graphql-sse protocol (distinct connections)',
      tags: ['graphql'],
      description: 'The body is a GraphQL request for a subscription; the answer is text/event-stream: `next` events with each result, then `complete` (importProgress ends with the import\'s summary).',
      requestBody: { required: true, content: { 'application/json': {} } },
      responses: { 200: { description: 'An event stream', content: { 'text/event-stream': {} } }, 400: { description: 'Invalid document or over a limit' }, 401: unauthorized },
    },
  },
  '/graphql/schema.graphql': {
    get: { summary: 'The GraphQL schema (SDL), as committed in src/api/graphql/schema.graphql', tags: ['graphql'], responses: { 200: { description: 'text/plain' }, 401: unauthorized } },
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
  paths: { ...foundationPaths, ...importPaths, ...coursePaths, ...monitoringPaths, ...mappingProfilePaths, ...feedPaths, ...graphqlPaths },
  components: {
    securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', description: 'An API token (cit_…)' } },
    schemas: {
      Problem: {
        type: 'object',
        required: ['title', 'status'],
        properties: { type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, detail: { type: 'string' } },
      },
      MappingProfileExport: {
        type: 'object',
        required: ['format', 'formatVersion', 'name', 'rules'],
        properties: {
          format: { const: 'course-import/mapping-profile' },
          formatVersion: { const: 1 },
          name: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' },
          version: { type: 'integer', description: 'the version exported (informative: an import adds the next version of its environment)' },
          exportedAt: { type: 'string', format: 'date-time' },
          rules: {
            type: 'object',
            required: ['columns'],
            properties: {
              columns: {
                type: 'object',
                description: 'source column name → rule',
                additionalProperties: {
                  type: 'object',
                  required: ['target'],
                  additionalProperties: false,
                  properties: {
                    target: { description: 'a course field, or null to ignore the column', enum: ['external_id', 'title', 'description', 'category', 'instructor', 'duration', 'difficulty', 'learning_mode', 'price', 'is_free', 'lessons', 'tags', null] },
                    trimPrefix: { type: 'string' },
                    valueMap: { type: 'object', additionalProperties: { type: 'string' }, description: 'source value (trimmed, any case) → value for the field' },
                    split: { type: 'string', description: 'separator splitting the value into a list' },
                    duration: { enum: ['hours', 'minutes'], description: "converts '1.5 hours', '45 mins' to hours; a bare number is in this unit" },
                  },
                },
              },
              constants: { type: 'object', additionalProperties: { type: 'string' }, description: 'course field → value used when no column gives one' },
              otherColumns: { enum: ['keep', 'ignore'], default: 'keep' },
            },
          },
        },
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

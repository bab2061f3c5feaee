// The upload page and endpoint (form and REST), and the template downloads.
import { listRules } from '../../db/validation-rules';
import Router from '@koa/router';
import type { Context } from 'koa';
import type { ApiDeps } from '../deps';
import { allowViewerWrite, requireAdmin, requireUser } from '../middleware/auth';
import { discardUploads, drain, formBody, uploadBody } from '../middleware/body';
import { takeFlash } from '../middleware/session';
import { problem, refusalText, type I18nMessage } from '../middleware/errors';
import { wantsJson } from '../middleware/negotiate';
import { auditFromCtx } from '../middleware/audit';
import { startUploadImport, UploadRefused } from '../../imports/start-upload';
import { IMPORT_MODES, isImportMode } from '../../domain/types';
import { buildTemplate, isTemplateFormat, isTemplateKind, TEMPLATE_FORMATS, TEMPLATE_KINDS, type TemplateFormat } from '../../imports/templates';
import type { ImportMode } from '../../domain/types';
import { importPagePath } from './imports-shared';
import { listProfiles, UnknownMappingProfileError } from '../../db/mapping-profiles';
import { profileNameProblem } from '../../domain/mapping';
import { draftFromUpload, draftPagePath } from './mapping-profiles';
import type { Language } from '../../i18n/languages';
import { z } from 'zod';
import { PROFILE_NAME_RE } from '../../domain/mapping';
import { check, defineRoute, field, koaPath, problemResponse, responses, validate, ValidationError } from '../validate';

export const IMPORT_PATH = '/admin-dashboard/courses/import/';
export const TEMPLATE_PATH = '/admin-dashboard/courses/template/';

const TRUE = new Set(['1', 'true', 'on', 'yes']);

const FLAG = z.string().max(10);

/** The text fields of an upload (multipart) besides its file. Each message is the one the form has always shown. */
const uploadFields = z.object({
  mode: field(z.enum(IMPORT_MODES, { error: `mode must be one of ${IMPORT_MODES.join(', ')}` })).meta({ default: 'create_or_update' }),
  /** The seed's form field: false = create only. */
  update_existing: field(FLAG).meta({ description: "the seed's form field: false means create_only (when mode is not given)" }),
  dry_run: field(FLAG).meta({ description: 'test mode: preview, then confirm or discard', override: { type: 'boolean', default: false } }),
  test_mode: field(FLAG).meta({ description: 'the same as dry_run', override: { type: 'boolean' } }),
  mapping_profile: field(z.string().regex(PROFILE_NAME_RE, { error: `mapping_profile: ${profileNameProblem('')}` })).meta({
    description: 'a column mapping profile (see /admin-dashboard/mapping-profiles/) to read the file with; its latest version is recorded with the import',
  }),
  map_columns: field(FLAG).meta({ description: 'the form\'s "Map columns" button: open the mapping page instead of importing' }),
});

const templateFields = z.object({
  template_type: field(z.string().max(40)).meta({ override: { enum: [...TEMPLATE_KINDS] } }),
  format_type: field(z.string().max(40)).meta({ override: { enum: [...TEMPLATE_FORMATS] } }),
});

export const uploadApi = {
  page: defineRoute({
    method: 'get',
    path: IMPORT_PATH,
    input: { query: z.object({ refused: field(FLAG), mode: field(z.string().max(40)), dry_run: field(FLAG), mapping_profile: field(z.string().max(200)) }) },
  }),
  upload: defineRoute({
    method: 'post',
    path: IMPORT_PATH,
    input: { body: uploadFields },
    doc: {
      summary: 'Import a file (CSV, TSV, JSON, Excel .xlsx / .xls, OpenDocument .ods, XML, YAML)',
      tags: ['imports'],
      description: 'multipart/form-data with one file. With a session, the CSRF token goes in the `_csrf` query parameter; with an API token nothing else is needed.',
      bodyTypes: ['multipart/form-data'],
      bodyRequired: true,
      bodySchema: uploadFields.extend({
        file: z.string().meta({
          format: 'binary',
          description:
            'a .csv, .tsv, .json, .xlsx, .xls, .ods, .xml, .yaml, .yml or .imscc (IMS Common Cartridge 1.1–1.3, one course) file (course format: /schemas/course.schema.json, /schemas/courses.xsd); Moodle "Upload courses" and Canvas SIS courses.csv files are read as CSV',
        }),
      }),
      responses: {
        202: { description: 'Accepted: the import id and its status URL' },
        400: responses.problem,
        401: responses.unauthorized,
        403: responses.forbidden,
        413: problemResponse('The file is over MAX_FILE_MB'),
        415: problemResponse('Unknown file type'),
        422: problemResponse('No mapping profile has the name given in mapping_profile'),
      },
    },
  }),
  template: defineRoute({
    method: 'post',
    path: TEMPLATE_PATH,
    input: { body: templateFields },
    doc: {
      summary: 'Download an example file that imports cleanly',
      tags: ['imports'],
      bodyTypes: ['application/x-www-form-urlencoded'],
      bodyRequired: false,
      responses: { 200: { description: 'The file, as an attachment' }, 400: responses.problem, 401: responses.unauthorized },
    },
  }),
};

interface UploadForm {
  mode: ImportMode;
  dryRun: boolean;
  /** A column mapping profile's name (issue 12), '' for none. */
  mappingProfile: string;
}

/** mode and dry_run; the seed's `update_existing` (false = create only) is understood too. */
function readForm(ctx: Context): UploadForm | ValidationError {
  const r = check(ctx, uploadApi.upload);
  if (!r.ok) return r.error;
  const f = r.value.body;
  let mode: ImportMode = 'create_or_update';
  if (f.mode) mode = f.mode;
  else if (f.update_existing && !TRUE.has(f.update_existing.toLowerCase())) mode = 'create_only';
  const dry = f.dry_run ?? f.test_mode ?? '';
  return { mode, dryRun: TRUE.has(dry.toLowerCase()), mappingProfile: f.mapping_profile ?? '' };
}

interface UploadedPart {
  filepath: string;
  originalFilename?: string | null;
}

function uploadedFile(ctx: Context): UploadedPart | undefined {
  const files = ctx.request.files;
  if (!files) return undefined;
  for (const v of Object.values(files)) {
    const f = Array.isArray(v) ? v[0] : v;
    if (f) return f as UploadedPart;
  }
  return undefined;
}

/**
 * The size limit as configured (MAX_FILE_MB), in megabytes of the reader's language: `8 MB`, `0,05 Mo` (CLDR's
 * short unit name). Said on the form before an upload and in the refusal of a file over it.
 */
export function fileLimitText(maxFileBytes: number, language: Language): string {
  return new Intl.NumberFormat(language, { style: 'unit', unit: 'megabyte', unitDisplay: 'short', maximumFractionDigits: 2 }).format(maxFileBytes / 1024 / 1024);
}

/** The template formats offered, Excel first: what most admins open (the "points to the Excel template first"). */
const EXCEL_FIRST: readonly TemplateFormat[] = ['xlsx', ...TEMPLATE_FORMATS.filter((f) => f !== 'xlsx')];

async function uploadPage(ctx: Context, status = 200, extra: Record<string, unknown> = {}): Promise<void> {
  // The mapping profiles offered on the form (issue 12).
  const profiles = await listProfiles(ctx.deps.sql);
  // The validation rules in force (issue 12): an uploader knows them before sending.
  const validationRules = await listRules(ctx.deps.sql);
  ctx.render(
    'imports/upload',
    // maxFileBytes: the size limit, stated on the form before anything is sent (issue 11).
    { title: ctx.state.t('imports.upload.title'), nav: 'import', modes: IMPORT_MODES, templateKinds: TEMPLATE_KINDS, templateFormats: EXCEL_FIRST, form: { mode: 'create_or_update', dryRun: true, mappingProfile: '' }, profiles, maxFileBytes: ctx.deps.config.limits.maxFileBytes, maxFileText: fileLimitText(ctx.deps.config.limits.maxFileBytes, ctx.state.language), validationRules, ...extra },
    status,
  );
}

/**
 * A refused upload sent by the plain form (scripts off): its address carries the CSRF token (`?_csrf=`, the only
 * place a multipart form can put it before its body is read), so the refusal is not rendered there; the browser is
 * sent back to the upload page (303, post/redirect/get) with the reason, and the choices made on the form in the
 * query (mode, test mode, profile: nothing secret). The script's own requests (X-Upload-Form) and REST clients are
 * answered in place, as before.
 */
function isPlainFormPost(ctx: Context): boolean {
  return !wantsJson(ctx) && ctx.get('X-Upload-Form') !== '1' && Object.hasOwn(ctx.query, '_csrf');
}

function redirectRefused(ctx: Context, message: string, form?: UploadForm): void {
  ctx.flash('error', message);
  const q = new URLSearchParams({ refused: '1' });
  if (form) {
    q.set('mode', form.mode);
    q.set('dry_run', form.dryRun ? 'true' : 'false');
    if (form.mappingProfile) q.set('mapping_profile', form.mappingProfile);
  }
  ctx.status = 303;
  ctx.redirect(`${IMPORT_PATH}?${q.toString()}`);
}

/** The upload page after a refused plain-form upload: the reason in the form's error box, the choices kept (`query`: validated). */
async function refusedUploadPage(ctx: Context, query: { mode?: string; dry_run?: string; mapping_profile?: string }): Promise<void> {
  // The reason was queued as an error flash; shown in the form's own box (#upload-error), the other messages as usual.
  const queued = takeFlash(ctx);
  const reasons = queued.filter((f) => f.kind === 'error').map((f) => f.message);
  for (const f of queued) if (f.kind !== 'error') ctx.flash(f.kind, f.message);
  const mode = query.mode ?? '';
  const profile = query.mapping_profile ?? '';
  const form: UploadForm = {
    mode: isImportMode(mode) ? mode : 'create_or_update',
    dryRun: (query.dry_run ?? 'true') !== 'false',
    mappingProfile: profile && !profileNameProblem(profile) ? profile : '',
  };
  await uploadPage(ctx, 200, { form, ...(reasons.length ? { formError: reasons.join(' ') } : {}) });
}

export function uploadRoutes(deps: ApiDeps): Router {
  const router = new Router();
  // A template download changes nothing: viewers may ask for one too.
  allowViewerWrite(/^\/admin-dashboard\/courses\/template\/?$/);

  router.get(koaPath(uploadApi.page), requireUser, (ctx) => {
    const { query } = validate(ctx, uploadApi.page);
    return query.refused === '1' ? refusedUploadPage(ctx, query) : uploadPage(ctx);
  });

  /**
   * A file over the size limit, sent by the form (not by a REST client, which gets the problem+json 413): the
   * upload page again, with status 413, the form and the limit stated in the page's language (issue 11); from the
   * plain form (scripts off) the same page by a redirect, so the address bar keeps no token. The partial file is
   * already gone (uploadBody removes it before it throws).
   * The form's script (public/upload.js, which sends the file itself to show its progress) marks its request with
   * `X-Upload-Form: 1`: its redirect comes back as 200 `{ location }`, so the script leaves for the page the
   * redirect names without a request of its own consuming the page's flash message.
   */
  const formUpload = async (ctx: Context, next: () => Promise<unknown>) => {
    try {
      await next();
    } catch (err) {
      const status = (err as { status?: number }).status ?? 500;
      // Another refusal of the body (an empty file, two files) from the plain form: back to the form, no token shown.
      if (status !== 413 && status >= 400 && status < 500 && isPlainFormPost(ctx)) {
        // In the reader's language when the refusal names its catalogue message (an empty file), else as written.
        return redirectRefused(ctx, refusalText(ctx.state.t, (err as Error).message, (err as { i18n?: I18nMessage }).i18n));
      }
      if (status !== 413 || wantsJson(ctx)) throw err;
      ctx.set('Connection', 'close');
      const formError = ctx.state.t('progress.tooLarge', { limit: fileLimitText(deps.config.limits.maxFileBytes, ctx.state.language) });
      if (isPlainFormPost(ctx)) {
        // A browser shows a refusal page even when the rest of its body is not read, but follows a redirect only
        // once it has sent it all (else: connection reset); the wait is bounded like uploadBody's own.
        await drain(ctx.req, 30_000);
        redirectRefused(ctx, formError);
      } else await uploadPage(ctx, 413, { formError });
    }
    if (ctx.get('X-Upload-Form') === '1' && ctx.status === 303) {
      const location = ctx.response.get('Location');
      ctx.remove('Location');
      ctx.status = 200;
      ctx.body = { location };
    }
  };

  router.post(koaPath(uploadApi.upload), requireAdmin, formUpload, uploadBody(deps.config), async (ctx) => {
    const json = wantsJson(ctx);
    const refuse = async (status: number, message: string, form?: UploadForm, extra?: Record<string, unknown>) => {
      // A refused request keeps nothing: the file it stored is removed before the answer.
      await discardUploads(ctx);
      if (json) return problem(ctx, status, message, extra);
      if (isPlainFormPost(ctx)) return redirectRefused(ctx, message, form);
      await uploadPage(ctx, status, { formError: message, ...(form ? { form } : {}) });
    };
    const file = uploadedFile(ctx);
    if (!file) return refuse(400, json ? 'Choose a file to import (CSV, TSV, JSON, Excel .xlsx / .xls, OpenDocument .ods, XML or YAML).' : ctx.state.t('imports.upload.noFile'));
    const form = readForm(ctx);
    // JSON clients read the English sentence and the refused fields; a person reads it in their language.
    if (form instanceof ValidationError) return refuse(400, json || !form.i18n ? form.message : ctx.state.t(form.i18n.key, form.i18n.params), undefined, form.problem);
    const user = ctx.state.user!;
    // From the moment a workflow was started for it (or one already running has its own copy), the file is not ours.
    let owned = false;
    try {
      // The form's "Map columns", or a file without a title column and no profile chosen: the mapping page (issue 12).
      if (!json && !form.mappingProfile) {
        const asked = validate(ctx, uploadApi.upload).body.map_columns !== undefined;
        const draftId = await draftFromUpload(deps, { path: file.filepath, originalName: file.originalFilename }, user.email, asked);
        if (draftId) {
          owned = true;
          if (!asked) ctx.flash('info', ctx.state.t('mappings.upload.needsMapping', { file: file.originalFilename ?? '' }));
          await auditFromCtx(ctx, 'mapping.draft', draftId, { fileName: file.originalFilename ?? null });
          ctx.status = 303;
          return ctx.redirect(draftPagePath(draftId, form));
        }
      }
      const started = await startUploadImport(deps, { path: file.filepath, originalName: file.originalFilename }, {
        mode: form.mode,
        dryRun: form.dryRun,
        startedBy: user.email,
        // REST calls with a token are the "API" source of the history's filter; the form is "upload".
        source: ctx.state.via === 'token' ? 'api' : 'upload',
        mappingProfile: form.mappingProfile || null,
      });
      owned = true;
      const statusUrl = `/api/imports/${started.importId}`;
      if (!started.started) {
        const message = `A file with the same content is already being imported (import ${started.importId}); nothing new was started.`;
        if (json) return problem(ctx, 409, message, { importId: started.importId, workflowId: started.workflowId, statusUrl, page: importPagePath(started.importId) });
        ctx.flash('info', ctx.state.t('imports.upload.duplicate'));
        ctx.status = 303;
        return ctx.redirect(importPagePath(started.importId));
      }
      await auditFromCtx(ctx, 'import.start', started.importId, { fileName: started.fileName, mode: form.mode, dryRun: form.dryRun, ...(form.mappingProfile ? { mappingProfile: form.mappingProfile } : {}) });
      if (json) {
        ctx.status = 202;
        ctx.set('Location', statusUrl);
        ctx.body = { importId: started.importId, workflowId: started.workflowId, statusUrl, page: importPagePath(started.importId), fileName: started.fileName, mode: form.mode, dryRun: form.dryRun, mappingProfile: form.mappingProfile || null };
        return;
      }
      ctx.flash('success', ctx.state.t(form.dryRun ? 'imports.upload.checking' : 'imports.upload.importing', { file: started.fileName }));
      ctx.status = 303;
      ctx.redirect(importPagePath(started.importId));
    } catch (err) {
      // JSON clients read the English sentence; a person reads the reason in their language.
      if (err instanceof UploadRefused) return refuse(err.status, json ? err.message : err.textIn(ctx.state.t), form);
      if (err instanceof UnknownMappingProfileError) return refuse(422, err.message, form);
      // Anything else before a workflow took the file (Temporal or PostgreSQL unreachable…): it must not stay.
      if (!owned) await discardUploads(ctx);
      throw err;
    }
  });

  router.post(koaPath(uploadApi.template), requireUser, formBody(), async (ctx) => {
    // The fields are bounded by the schema; an unknown kind or format keeps its own message and page (below).
    const r = check(ctx, uploadApi.template);
    const kind = r.ok ? (r.value.body.template_type ?? 'simple') : '';
    const format = r.ok ? (r.value.body.format_type ?? 'csv') : '';
    if (!isTemplateKind(kind) || !isTemplateFormat(format)) {
      const message = `template_type must be one of ${TEMPLATE_KINDS.join(', ')} and format_type one of ${TEMPLATE_FORMATS.join(', ')}.`;
      if (wantsJson(ctx)) return problem(ctx, 400, message);
      return uploadPage(ctx, 400, { templateError: ctx.state.t('imports.upload.badTemplate', { kinds: TEMPLATE_KINDS.join(', '), formats: TEMPLATE_FORMATS.join(', ') }) });
    }
    const file = await buildTemplate(kind, format, ctx.state.language);
    ctx.set('Content-Disposition', `attachment; filename="${file.fileName}"`);
    ctx.set('Cache-Control', 'no-store');
    ctx.type = file.contentType;
    ctx.body = file.body;
  });

  return router;
}

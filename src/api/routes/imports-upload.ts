// The upload page and endpoint (form and REST), and the template downloads.
import Router from '@koa/router';
import type { Context } from 'koa';
import type { ApiDeps } from '../deps';
import { allowViewerWrite, requireAdmin, requireUser } from '../middleware/auth';
import { discardUploads, formBody, uploadBody } from '../middleware/body';
import { problem } from '../middleware/errors';
import { wantsJson } from '../middleware/negotiate';
import { auditFromCtx } from '../middleware/audit';
import { IMPORT_MODES, startUploadImport, UploadRefused } from '../../imports/start-upload';
import { buildTemplate, isTemplateFormat, isTemplateKind, TEMPLATE_FORMATS, TEMPLATE_KINDS, type TemplateFormat } from '../../imports/templates';
import type { ImportMode } from '../../domain/types';
import { bodyField, importPagePath } from './imports-shared';

export const IMPORT_PATH = '/admin-dashboard/courses/import/';
export const TEMPLATE_PATH = '/admin-dashboard/courses/template/';

const TRUE = new Set(['1', 'true', 'on', 'yes']);

interface UploadForm {
  mode: ImportMode;
  dryRun: boolean;
}

/** mode and dry_run; the seed's `update_existing` (false = create only) is understood too. */
function readForm(ctx: Context): UploadForm | string {
  const modeField = bodyField(ctx, 'mode');
  const updateExisting = bodyField(ctx, 'update_existing');
  let mode: ImportMode = 'create_or_update';
  if (modeField) {
    if (!(IMPORT_MODES as readonly string[]).includes(modeField)) return `mode must be one of ${IMPORT_MODES.join(', ')}.`;
    mode = modeField as ImportMode;
  } else if (updateExisting && !TRUE.has(updateExisting.toLowerCase())) mode = 'create_only';
  const dry = bodyField(ctx, 'dry_run') || bodyField(ctx, 'test_mode');
  return { mode, dryRun: TRUE.has(dry.toLowerCase()) };
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

/** The template formats offered, Excel first: what most admins open (the "points to the Excel template first"). */
const EXCEL_FIRST: readonly TemplateFormat[] = ['xlsx', ...TEMPLATE_FORMATS.filter((f) => f !== 'xlsx')];

function uploadPage(ctx: Context, status = 200, extra: Record<string, unknown> = {}): void {
  ctx.render(
    'imports/upload',
    { title: ctx.state.t('imports.upload.title'), nav: 'import', modes: IMPORT_MODES, templateKinds: TEMPLATE_KINDS, templateFormats: EXCEL_FIRST, form: { mode: 'create_or_update', dryRun: true }, ...extra },
    status,
  );
}

export function uploadRoutes(deps: ApiDeps): Router {
  const router = new Router();
  // A template download changes nothing: viewers may ask for one too.
  allowViewerWrite(/^\/admin-dashboard\/courses\/template\/?$/);

  router.get(IMPORT_PATH, requireUser, (ctx) => uploadPage(ctx));

  router.post(IMPORT_PATH, requireAdmin, uploadBody(deps.config), async (ctx) => {
    const json = wantsJson(ctx);
    const refuse = async (status: number, message: string, form?: UploadForm) => {
      // A refused request keeps nothing: the file it stored is removed before the answer.
      await discardUploads(ctx);
      if (json) return problem(ctx, status, message);
      uploadPage(ctx, status, { formError: message, ...(form ? { form } : {}) });
    };
    const file = uploadedFile(ctx);
    if (!file) return refuse(400, json ? 'Choose a file to import (CSV, TSV, JSON, Excel .xlsx / .xls, OpenDocument .ods, XML or YAML).' : ctx.state.t('imports.upload.noFile'));
    const form = readForm(ctx);
    if (typeof form === 'string') return refuse(400, form);
    const user = ctx.state.user!;
    // From the moment a workflow was started for it (or one already running has its own copy), the file is not ours.
    let owned = false;
    try {
      const started = await startUploadImport(deps, { path: file.filepath, originalName: file.originalFilename }, {
        mode: form.mode,
        dryRun: form.dryRun,
        startedBy: user.email,
        // REST calls with a token are the "API" source of the history's filter; the form is "upload".
        source: ctx.state.via === 'token' ? 'api' : 'upload',
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
      await auditFromCtx(ctx, 'import.start', started.importId, { fileName: started.fileName, mode: form.mode, dryRun: form.dryRun });
      if (json) {
        ctx.status = 202;
        ctx.set('Location', statusUrl);
        ctx.body = { importId: started.importId, workflowId: started.workflowId, statusUrl, page: importPagePath(started.importId), fileName: started.fileName, mode: form.mode, dryRun: form.dryRun };
        return;
      }
      ctx.flash('success', ctx.state.t(form.dryRun ? 'imports.upload.checking' : 'imports.upload.importing', { file: started.fileName }));
      ctx.status = 303;
      ctx.redirect(importPagePath(started.importId));
    } catch (err) {
      if (err instanceof UploadRefused) return refuse(err.status, err.message, form);
      // Anything else before a workflow took the file (Temporal or PostgreSQL unreachable…): it must not stay.
      if (!owned) await discardUploads(ctx);
      throw err;
    }
  });

  router.post(TEMPLATE_PATH, requireUser, formBody(), async (ctx) => {
    const kind = bodyField(ctx, 'template_type') || 'simple';
    const format = bodyField(ctx, 'format_type') || 'csv';
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

// Column mapping profiles (issue 12): the mapping page of an uploaded file (columns, samples, proposed targets,
// live preview), saving it as a named, versioned profile and importing the file with it; the profiles list, a
// profile's history, export and import as JSON (REST too: JSON with a token or Accept: application/json).
import { randomUUID } from 'node:crypto';
import { stat, unlink } from 'node:fs/promises';
import Router from '@koa/router';
import type { Context } from 'koa';
import type { ApiDeps } from '../deps';
import { requireAdmin, requireUser } from '../middleware/auth';
import { formBody } from '../middleware/body';
import { fail, problem } from '../middleware/errors';
import { wantsJson } from '../middleware/negotiate';
import { auditFromCtx } from '../middleware/audit';
import { importPagePath } from './imports-shared';
import {
  createDraft, deleteDraft, getDraft, getProfileVersion, listProfiles, profileHistory, saveProfileVersion, type MappingDraft,
} from '../../db/mapping-profiles';
import {
  PROFILE_EXPORT_FORMAT, profileExportSchema, profileNameProblem, suggestMapping, unmappedFields, type MappingRules,
} from '../../domain/mapping';
import { canonicalField, COURSE_FIELDS } from '../../domain/fields';
import { formatFromFileName } from '../../ingest/readers/detect';
import { FileValidationError, IMPORT_MODES, isImportMode, type ImportMode } from '../../domain/types';
import { checkUpload, startUploadImport, UploadRefused, type UploadedFile } from '../../imports/start-upload';
import { previewRows, readSample, rulesFromForm, sampleValues, valueMapText, type MappingForm } from '../../imports/mapping-page';
import { z } from 'zod';
import { PROFILE_NAME_RE } from '../../domain/mapping';
import { check, defineRoute, field, first, koaPath, responses, validate } from '../validate';

export const PROFILES_PATH = '/admin-dashboard/mapping-profiles/';
const DRAFTS_PATH = '/admin-dashboard/mapping-drafts/';

/** The JSON document of a profile (export and import), as the OpenAPI document names it. */
const MappingProfileExport = profileExportSchema.meta({ id: 'MappingProfileExport' });
const noProfile = { message: 'There is no such mapping profile.', key: 'mappings.noProfile' };
const profileName = z.object({ name: z.string().regex(PROFILE_NAME_RE) });
/** A draft's id: a uuid; anything else is no draft (404 with the same words as an expired one). */
const draftId = z.object({ id: z.guid().transform((v) => v.toLowerCase()) });
const noDraft = { message: 'There is no such mapping draft (it was used or has expired): upload the file again.', key: 'mappings.noDraft' };
/** The mapping page's own form: one set of controls per column (at most MAPPING_LIMITS.columns), all text. */
const draftForm = z.record(z.string().max(100), z.union([z.string().max(10_000), z.array(z.string().max(10_000)).max(10)]));

export const mappingProfileApi = {
  list: defineRoute({
    method: 'get',
    path: PROFILES_PATH,
    input: {},
    doc: { summary: 'The column mapping profiles with their latest version', tags: ['mapping profiles'], responses: { 200: { description: '{ profiles: [{name, version, versions, updated_at, updated_by}] }' }, 401: responses.unauthorized } },
  }),
  importJson: defineRoute({
    method: 'post',
    path: `${PROFILES_PATH}import/`,
    input: { body: MappingProfileExport },
    doc: {
      summary: 'Import a profile exported elsewhere: saved as a new version of its name (nothing when the rules are the same)',
      tags: ['mapping profiles'],
      bodyTypes: ['application/json'],
      responses: { 200: { description: 'Unchanged: {name, version, created: false}' }, 201: { description: 'Saved: {name, version, created: true, changes}' }, 401: responses.unauthorized, 403: responses.forbidden, 422: responses.problem },
    },
  }),
  /** The list page's form: the export pasted or read from a file into a textarea, and an optional new name. */
  importForm: defineRoute({
    method: 'post',
    path: `${PROFILES_PATH}import/`,
    input: { body: z.object({ profile_json: first(z.string().max(1_000_000)).default(''), name: field(z.string().max(200)) }) },
  }),
  show: defineRoute({
    method: 'get',
    path: `${PROFILES_PATH}{name}/`,
    input: { params: profileName },
    notFound: noProfile,
    doc: {
      summary: "A profile's latest rules and its history (who saved which version, what changed)",
      tags: ['mapping profiles'],
      responses: { 200: { description: '{ name, version, rules, history: [{version, change_note, created_by, created_at}] }' }, 401: responses.unauthorized, 404: responses.problem },
    },
  }),
  export: defineRoute({
    method: 'get',
    path: `${PROFILES_PATH}{name}/export.json`,
    input: {
      params: profileName,
      // An unreadable version means the latest, as before.
      query: z.object({ version: first(z.coerce.number().int().min(1).max(999_999_999)).optional().catch(undefined).meta({ description: 'default: the latest' }) }),
    },
    notFound: noProfile,
    doc: {
      summary: 'A profile as a JSON document to import into another environment',
      tags: ['mapping profiles'],
      responses: { 200: { description: 'The export', content: { 'application/json': { schema: MappingProfileExport } } }, 401: responses.unauthorized, 404: responses.problem },
    },
  }),
  draft: defineRoute({
    method: 'get',
    path: `${DRAFTS_PATH}{id}/`,
    input: { params: draftId, query: z.object({ profile: field(z.string().max(200)), mode: field(z.string().max(40)), dry_run: field(z.string().max(10)) }) },
    notFound: noDraft,
  }),
  draftPreview: defineRoute({ method: 'post', path: `${DRAFTS_PATH}{id}/preview`, input: { params: draftId, body: draftForm }, notFound: noDraft }),
  draftSave: defineRoute({ method: 'post', path: `${DRAFTS_PATH}{id}/`, input: { params: draftId, body: draftForm }, notFound: noDraft }),
};

/** The mapping page of a draft, carrying the upload form's mode and test mode along. */
export function draftPagePath(id: string, form?: { mode: ImportMode; dryRun: boolean }): string {
  const q = form ? `?mode=${encodeURIComponent(form.mode)}&dry_run=${form.dryRun}` : '';
  return `${DRAFTS_PATH}${id}/${q}`;
}

export function profilePath(name: string): string {
  return `${PROFILES_PATH}${encodeURIComponent(name)}/`;
}

/**
 * An uploaded file becomes a mapping draft (its columns and first rows stored, the file kept in incoming/) when
 * `always` (the form's "Map columns") or when none of its columns is the title: such a file cannot be imported
 * without a mapping. Returns the draft id, or null to import the file as usual (a file the readers refuse is
 * imported as usual too, and fails with the reason and its report). Throws UploadRefused for a wrong type.
 */
export async function draftFromUpload(deps: ApiDeps, file: UploadedFile, by: string, always: boolean): Promise<string | null> {
  const fileName = await checkUpload(file);
  const format = formatFromFileName(fileName);
  let sample: Awaited<ReturnType<typeof readSample>>;
  try {
    sample = await readSample(format, file.path, deps.config.limits);
  } catch (err) {
    if (err instanceof FileValidationError) return null;
    throw err;
  }
  if (!always && sample.columns.some((c) => canonicalField(c) === 'title')) return null;
  const id = randomUUID();
  await createDraft(deps.sql, { id, file_name: fileName, file_path: file.path, format, columns: sample.columns, sample_rows: sample.rows, created_by: by });
  return id;
}

async function draftOf(deps: ApiDeps, id: string): Promise<MappingDraft> {
  const draft = await getDraft(deps.sql, id);
  if (!draft) fail(404, noDraft.message, { key: noDraft.key });
  return draft;
}

/** The page's form from rules (a saved profile's, or the suggestions): what each control shows. */
function formFromRules(columns: readonly string[], rules: MappingRules): Record<string, string> {
  const form: Record<string, string> = { other_columns: rules.otherColumns };
  columns.forEach((c, i) => {
    const r = rules.columns[c];
    const target = r ? r.target : rules.otherColumns === 'keep' ? (canonicalField(c) ?? null) : null;
    form[`target_${i}`] = target ?? '';
    form[`trim_${i}`] = r?.trimPrefix ?? '';
    form[`split_${i}`] = r?.split ?? '';
    form[`duration_${i}`] = r?.duration ?? '';
    form[`map_${i}`] = valueMapText(r?.valueMap);
  });
  for (const [f, v] of Object.entries(rules.constants)) form[`const_${f}`] = v ?? '';
  return form;
}

interface DraftPageData {
  form: Record<string, string>;
  profileName: string;
  mode: ImportMode;
  dryRun: boolean;
  problems?: string[];
}

function renderDraft(ctx: Context, draft: MappingDraft, data: DraftPageData, status = 200): void {
  const samples = sampleValues(draft.columns, draft.sample_rows);
  const reasons = Object.fromEntries(suggestMapping(draft.columns, samples).map((s) => [s.column, s.reason]));
  const parsed = rulesFromForm(draft.columns, data.form);
  const preview = parsed.ok ? previewRows(draft.sample_rows, parsed.rules) : [];
  const missing = parsed.ok ? unmappedFields(parsed.rules, draft.columns) : [];
  ctx.render('mappings/draft', {
    title: ctx.state.t('mappings.draft.title', { file: draft.file_name }), nav: 'mappings', draft, samples, reasons, fields: COURSE_FIELDS,
    modes: IMPORT_MODES, preview, missing, ...data, problems: data.problems ?? (parsed.ok ? [] : parsed.problems),
  }, status);
}

function exportDocument(v: { name: string; version: number; rules: MappingRules }) {
  return { format: PROFILE_EXPORT_FORMAT, formatVersion: 1 as const, name: v.name, version: v.version, exportedAt: new Date().toISOString(), rules: v.rules };
}

function modeOf(value: string): ImportMode {
  return isImportMode(value) ? value : 'create_or_update';
}

export function mappingProfileRoutes(deps: ApiDeps): Router {
  const router = new Router();

  router.get(koaPath(mappingProfileApi.list), requireUser, async (ctx) => {
    const profiles = await listProfiles(deps.sql);
    if (wantsJson(ctx)) {
      ctx.body = { profiles };
      return;
    }
    ctx.render('mappings/index', { title: ctx.state.t('mappings.list.title'), nav: 'mappings', profiles, importJson: '' });
  });

  // Import a profile exported elsewhere: JSON body (REST) or the list page's form (a textarea filled from a file).
  router.post(koaPath(mappingProfileApi.importJson), requireAdmin, formBody(), async (ctx) => {
    const json = wantsJson(ctx);
    let doc: unknown = ctx.request.body;
    let rename = '';
    let text = '';
    if (!json || ctx.is('application/x-www-form-urlencoded')) {
      const form = check(ctx, mappingProfileApi.importForm);
      if (!form.ok) return refuseImport(ctx, json, form.error.message, '');
      text = form.value.body.profile_json;
      rename = form.value.body.name ?? '';
      try {
        doc = JSON.parse(text);
      } catch (err) {
        doc = undefined;
        const message = `The profile is not valid JSON: ${err instanceof Error ? err.message : String(err)}`;
        return refuseImport(ctx, json, message, text);
      }
    }
    // The same schema as the JSON body's (mappingProfileApi.importJson), whether the export came as JSON or in the form.
    const parsed = MappingProfileExport.safeParse(doc);
    if (!parsed.success) {
      const message = `This is not a mapping profile export: ${parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(document)'}: ${i.message}`).join('; ')}`;
      return refuseImport(ctx, json, message, text);
    }
    const name = rename || parsed.data.name;
    const nameProblem = profileNameProblem(name);
    if (nameProblem) return refuseImport(ctx, json, `name: ${nameProblem}`, text);
    const saved = await saveProfileVersion(deps.sql, name, parsed.data.rules, ctx.state.user!.email);
    await auditFromCtx(ctx, 'mapping.import', name, { version: saved.version, created: saved.created, from: parsed.data.version ?? null });
    if (json) {
      ctx.status = saved.created ? 201 : 200;
      ctx.body = { name, version: saved.version, created: saved.created, changes: saved.changes };
      return;
    }
    ctx.flash('success', ctx.state.t(saved.created ? 'mappings.flash.imported' : 'mappings.flash.unchanged', { name, version: saved.version }));
    ctx.status = 303;
    ctx.redirect(profilePath(name));
  });

  async function refuseImport(ctx: Context, json: boolean, message: string, text: string): Promise<void> {
    if (json) return problem(ctx, 422, message);
    ctx.render('mappings/index', { title: ctx.state.t('mappings.list.title'), nav: 'mappings', profiles: await listProfiles(deps.sql), importError: message, importJson: text }, 422);
  }

  router.get(koaPath(mappingProfileApi.show), requireUser, async (ctx) => {
    const { name } = validate(ctx, mappingProfileApi.show).params;
    const history = await profileHistory(deps.sql, name);
    if (history.length === 0) fail(404, 'There is no such mapping profile.', { key: 'mappings.noProfile' });
    if (wantsJson(ctx)) {
      ctx.body = { name, version: history[0]!.version, rules: history[0]!.rules, history: history.map(({ rules: _r, ...v }) => v) };
      return;
    }
    ctx.render('mappings/show', { title: ctx.state.t('mappings.show.title', { name }), nav: 'mappings', name, latest: history[0], history });
  });

  router.get(koaPath(mappingProfileApi.export), requireUser, async (ctx) => {
    const { params, query } = validate(ctx, mappingProfileApi.export);
    const name = params.name;
    const version = query.version;
    const found = await getProfileVersion(deps.sql, name, version);
    if (!found) fail(404, 'There is no such mapping profile (or version).', { key: 'mappings.noProfile' });
    ctx.set('Content-Disposition', `attachment; filename="mapping-${name}-v${found.version}.json"`);
    ctx.set('Cache-Control', 'no-store');
    ctx.type = 'application/json';
    ctx.body = JSON.stringify(exportDocument(found), null, 2) + '\n';
  });

  // The mapping page of an uploaded file: suggestions, or an existing profile's rules (?profile=NAME).
  router.get(koaPath(mappingProfileApi.draft), requireAdmin, async (ctx) => {
    const { params, query } = validate(ctx, mappingProfileApi.draft);
    const draft = await draftOf(deps, params.id);
    const profileName = query.profile ?? '';
    const existing = profileName && !profileNameProblem(profileName) ? await getProfileVersion(deps.sql, profileName) : null;
    const samples = sampleValues(draft.columns, draft.sample_rows);
    const rules: MappingRules = existing?.rules ?? {
      columns: Object.fromEntries(suggestMapping(draft.columns, samples).map((s) => [s.column, s.rule])), constants: {}, otherColumns: 'keep',
    };
    renderDraft(ctx, draft, {
      form: formFromRules(draft.columns, rules), profileName: existing?.name ?? '', mode: modeOf(query.mode ?? ''), dryRun: query.dry_run === 'true',
    });
  });

  // The live preview (public/mapping.js): the page's form as JSON → the first rows as the import would read them.
  router.post(koaPath(mappingProfileApi.draftPreview), requireAdmin, formBody(), async (ctx) => {
    const { params, body: form } = validate(ctx, mappingProfileApi.draftPreview);
    const draft = await draftOf(deps, params.id);
    const body = form as MappingForm;
    const parsed = rulesFromForm(draft.columns, body);
    if (!parsed.ok) return problem(ctx, 422, parsed.problems.join('; '), { problems: parsed.problems });
    ctx.body = { rows: previewRows(draft.sample_rows, parsed.rules), missing: unmappedFields(parsed.rules, draft.columns) };
  });

  // Save the profile (a new version when something changed), then import the file with it, or import it without one.
  router.post(koaPath(mappingProfileApi.draftSave), requireAdmin, formBody(), async (ctx) => {
    const { params, body } = validate(ctx, mappingProfileApi.draftSave);
    const draft = await draftOf(deps, params.id);
    const form = Object.fromEntries(Object.entries(body).filter((e): e is [string, string] => typeof e[1] === 'string'));
    // The page's own fields, read from the validated form (the mapping fields are the rest of it).
    const field = (name: string) => (form[name] ?? '').trim();
    const action = field('action');
    const mode = modeOf(field('mode'));
    const dryRun = field('dry_run') === 'true';
    const profileName = field('profile_name');
    const page: DraftPageData = { form, profileName, mode, dryRun };
    const user = ctx.state.user!;

    if (action === 'discard') {
      await deleteDraft(deps.sql, draft.id);
      await unlink(draft.file_path).catch(() => {});
      ctx.flash('info', ctx.state.t('mappings.flash.discarded', { file: draft.file_name }));
      ctx.status = 303;
      return ctx.redirect('/admin-dashboard/courses/import/');
    }

    let profile: { name: string; version: number } | null = null;
    if (action !== 'import_plain') {
      const nameProblem = profileNameProblem(profileName);
      if (nameProblem) return renderDraft(ctx, draft, { ...page, problems: [`${ctx.state.t('mappings.draft.profileName')}: ${nameProblem}`] }, 422);
      const parsed = rulesFromForm(draft.columns, form);
      if (!parsed.ok) return renderDraft(ctx, draft, { ...page, problems: parsed.problems }, 422);
      const saved = await saveProfileVersion(deps.sql, profileName, parsed.rules, user.email);
      profile = { name: profileName, version: saved.version };
      if (saved.created) await auditFromCtx(ctx, 'mapping.save', profileName, { version: saved.version, changes: saved.changes });
      if (action === 'save') {
        ctx.flash('success', ctx.state.t(saved.created ? 'mappings.flash.saved' : 'mappings.flash.unchanged', { name: profileName, version: saved.version }));
        ctx.status = 303;
        return ctx.redirect(`${DRAFTS_PATH}${draft.id}/?profile=${encodeURIComponent(profileName)}&mode=${mode}&dry_run=${dryRun}`);
      }
    }

    // Housekeeping removes files of incoming/ that no import owns after ORPHAN_FILE_AGE: an old draft's file may be gone.
    if (!(await stat(draft.file_path).then((st) => st.isFile(), () => false))) {
      await deleteDraft(deps.sql, draft.id);
      fail(410, `The uploaded file ${draft.file_name} is no longer kept (drafts last ORPHAN_FILE_AGE): upload it again. The profile was saved.`, { key: 'mappings.fileGone', params: { file: draft.file_name } });
    }
    // The draft's file is handed to an import: from here it belongs to the import (or is removed by a refusal).
    await deleteDraft(deps.sql, draft.id);
    try {
      const started = await startUploadImport(deps, { path: draft.file_path, originalName: draft.file_name }, {
        mode, dryRun, startedBy: user.email, source: 'upload', mappingProfile: profile?.name ?? null,
      });
      if (!started.started) {
        ctx.flash('info', ctx.state.t('imports.upload.duplicate'));
      } else {
        await auditFromCtx(ctx, 'import.start', started.importId, { fileName: started.fileName, mode, dryRun, mappingProfile: profile?.name ?? null });
        ctx.flash('success', ctx.state.t(dryRun ? 'imports.upload.checking' : 'imports.upload.importing', { file: started.fileName }));
      }
      ctx.status = 303;
      ctx.redirect(importPagePath(started.importId));
    } catch (err) {
      if (err instanceof UploadRefused) fail(err.status, err.message);
      throw err;
    }
  });

  return router;
}

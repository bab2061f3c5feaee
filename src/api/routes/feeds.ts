// Import from a URL (form and REST) and the Feeds page (issue 12): a feed is a URL imported on a schedule, only
// when its content changed. Admins write, viewers read.
import { randomUUID } from 'node:crypto';
import Router from '@koa/router';
import type { Context } from 'koa';
import type { ApiDeps } from '../deps';
import { requireAdmin, requireUser } from '../middleware/auth';
import { formBody } from '../middleware/body';
import { fail, problem } from '../middleware/errors';
import { wantsJson } from '../middleware/negotiate';
import { auditFromCtx } from '../middleware/audit';
import { IMPORT_MODES, isImportMode } from '../../domain/types';
import { startUrlImport } from '../../imports/start-url';
import { downloadSettings, MAX_URL_LENGTH, UrlImportRefused } from '../../imports/url-download';
import { resolvePublicTarget, WebhookUrlRefused } from '../../notify/url-policy';
import type { ImportMode } from '../../domain/types';
import { bodyField, importPagePath } from './imports-shared';
import { listProfiles, UnknownMappingProfileError } from '../../db/mapping-profiles';
import { profileNameProblem } from '../../domain/mapping';
import { deleteFeed, feedRuns, getFeed, insertFeed, listFeeds, setFeedPaused } from '../../db/feeds';
import { parseFeedSchedule } from '../../feeds/schedule-spec';
import { createFeedSchedule, deleteFeedSchedule, runFeedNow, setFeedSchedulePaused } from '../../temporal/feed-schedules';
import { z } from 'zod';
import { PROFILE_NAME_RE } from '../../domain/mapping';
import { check, defineRoute, field, koaPath, requiredField, responses, validate, type ValidationError } from '../validate';

export const URL_IMPORT_PATH = '/admin-dashboard/courses/import/url/';
export const FEEDS_PATH = '/admin-dashboard/feeds/';
const TRUE = new Set(['1', 'true', 'on', 'yes']);

// The fields of the URL import and of a new feed. Each message is the one these forms have always answered.
const urlField = requiredField(
  z
    .string({ error: (i) => (i.input === undefined ? 'url is required (https://…)' : undefined) })
    .max(MAX_URL_LENGTH, { error: `url is longer than ${MAX_URL_LENGTH} characters` }),
).meta({ override: { type: 'string', format: 'uri', maxLength: MAX_URL_LENGTH } });
const modeField = field(z.enum(IMPORT_MODES, { error: `mode must be one of ${IMPORT_MODES.join(', ')}` })).meta({ default: 'create_or_update' });
const profileField = field(z.string().regex(PROFILE_NAME_RE, { error: `mapping_profile: ${profileNameProblem('')}` }));
const flag = field(z.union([z.boolean(), z.string().max(10)])).meta({ override: { type: 'boolean', default: false } });

const urlImportBody = z.object({ url: urlField, mapping_profile: profileField, mode: modeField, dry_run: flag, dryRun: flag.meta({ description: 'the same as dry_run' }) });
const feedBody = z.object({
  name: requiredField(z.string({ error: 'name is required (at most 100 characters)' }).max(100, { error: 'name is required (at most 100 characters)' })),
  url: urlField,
  mode: modeField,
  mapping_profile: profileField,
  schedule: requiredField(z.string({ error: 'schedule is required' }).max(200)).meta({
    description: 'an interval (30m, 6h, 1d; at least 5m) or a 5-field cron expression read in DISPLAY_TIMEZONE',
  }),
});
/** A feed's id: a uuid; anything else is no feed. */
const feedId = z.object({ id: z.guid().transform((v) => v.toLowerCase()) });
const noFeed = { message: 'There is no such feed.', key: 'feeds.noFeed' };

/** One of the four actions on a feed. */
function feedAction(name: 'pause' | 'resume' | 'run' | 'delete', summary: string, answer: Record<string, { description: string }>) {
  return defineRoute({
    method: 'post',
    path: `${FEEDS_PATH}{id}/${name}`,
    input: { params: feedId },
    notFound: noFeed,
    doc: { summary, tags: ['feeds'], responses: { ...answer, 401: responses.unauthorized, 403: responses.forbidden, 404: responses.problem } },
  });
}

export const feedApi = {
  urlImport: defineRoute({
    method: 'post',
    path: URL_IMPORT_PATH,
    input: { body: urlImportBody },
    doc: {
      summary: 'Import a file from an https:// URL: downloaded (size and time limits, at most 3 redirects, public addresses only unless URL_IMPORT_ALLOW_HOSTS), then imported as an upload',
      tags: ['imports'],
      bodyTypes: ['application/json'],
      responses: {
        202: { description: 'Accepted: {importId, workflowId, statusUrl, page, fileName, sha256, mode, dryRun, mappingProfile}' },
        400: responses.problem,
        401: responses.unauthorized,
        403: responses.forbidden,
        409: { description: 'The same content is already being imported' },
        413: { description: 'The file is over MAX_FILE_MB (counted while downloading)' },
        415: { description: 'Not a catalogue file (content type or first bytes)' },
        422: { description: 'The URL (or a redirect) is refused by the address policy, or the mapping profile is unknown' },
        502: { description: 'The server answered an HTTP error, too many redirects, or could not be reached' },
        504: { description: 'The download took longer than URL_IMPORT_TIMEOUT' },
      },
    },
  }),
  list: defineRoute({
    method: 'get',
    path: FEEDS_PATH,
    input: {},
    doc: { summary: 'The feeds, each with its last run', tags: ['feeds'], responses: { 200: { description: '{ feeds: [{id, name, url, schedule, mode, mapping_profile, paused, last_run, last_import_status}] }' }, 401: responses.unauthorized } },
  }),
  create: defineRoute({
    method: 'post',
    path: FEEDS_PATH,
    input: { body: feedBody },
    doc: {
      summary: 'Create a feed: a URL imported on a schedule (one Temporal Schedule per feed), only when its content changed',
      tags: ['feeds'],
      bodyTypes: ['application/json'],
      responses: { 201: { description: '{id, name, url, schedule, mode, mappingProfile, page}' }, 400: responses.problem, 401: responses.unauthorized, 403: responses.forbidden, 409: responses.problem, 422: responses.problem },
    },
  }),
  show: defineRoute({
    method: 'get',
    path: `${FEEDS_PATH}{id}/`,
    input: { params: feedId },
    notFound: noFeed,
    doc: { summary: 'A feed and its latest runs (imported, unchanged or failed)', tags: ['feeds'], responses: { 200: { description: '{feed, runs}' }, 401: responses.unauthorized, 404: responses.problem } },
  }),
  run: feedAction('run', 'Run the feed now', { 202: { description: 'Started' }, 409: { description: 'A manual run is still going on' } }),
  pause: feedAction('pause', 'Pause the feed (its Schedule)', { 200: { description: 'Paused' } }),
  resume: feedAction('resume', 'Resume the feed', { 200: { description: 'Resumed' } }),
  delete: feedAction('delete', 'Delete the feed, its Schedule and its run history (its imports stay)', { 200: { description: 'Deleted' } }),
};

/** The first refused field's own message (these forms always answered one mistake at a time). */
function firstProblem(error: ValidationError): string {
  return `${error.issues[0]!.detail}.`;
}

/**
 * A URL without its query and fragment, for the audit trail and for viewers: marketplace exports often carry an
 * access token in the query, which only admins (who can change the feed) need to see.
 */
export function urlWithoutQuery(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}${u.search ? '?…' : ''}`;
  } catch {
    return '(not a URL)';
  }
}

/** The page of one feed. */
export function feedPath(id: string): string {
  return `${FEEDS_PATH}${id}/`;
}


interface FeedForm {
  name: string;
  url: string;
  schedule: string;
  mode: ImportMode;
  mappingProfile: string;
}

const EMPTY_FORM: FeedForm = { name: '', url: '', schedule: '0 3 * * *', mode: 'create_or_update', mappingProfile: '' };

export function feedRoutes(deps: ApiDeps): Router {
  const router = new Router();

  // Import from a URL: the upload page's second form, or REST (JSON or urlencoded, with a token or a session).
  router.post(koaPath(feedApi.urlImport), requireAdmin, formBody(), async (ctx) => {
    const json = wantsJson(ctx);
    const refuse = (status: number, message: string, extra?: Record<string, unknown>) => {
      if (json) return problem(ctx, status, message, extra);
      ctx.flash('error', ctx.state.t('feeds.urlImport.refused', { reason: message }));
      ctx.status = 303;
      ctx.redirect('/admin-dashboard/courses/import/');
    };
    const checked = check(ctx, feedApi.urlImport);
    if (!checked.ok) return refuse(400, firstProblem(checked.error), checked.error.problem);
    const { url, mapping_profile: profile = '', mode = 'create_or_update' } = checked.value.body;
    const dryRun = TRUE.has(String(checked.value.body.dry_run ?? checked.value.body.dryRun ?? '').toLowerCase());
    const user = ctx.state.user!;
    let started;
    try {
      started = await startUrlImport({ sql: deps.sql, temporal: deps.temporal, config: deps.config }, url, {
        mode: mode as ImportMode, dryRun, startedBy: user.email, source: ctx.state.via === 'token' ? 'api' : 'upload', mappingProfile: profile || null,
      });
    } catch (err) {
      if (err instanceof UrlImportRefused) return refuse(err.status, err.message);
      if (err instanceof UnknownMappingProfileError) return refuse(422, err.message);
      throw err;
    }
    const statusUrl = `/api/imports/${started.importId}`;
    if (!started.started) {
      const message = `A file with the same content is already being imported (import ${started.importId}); nothing new was started.`;
      if (json) return problem(ctx, 409, message, { importId: started.importId, workflowId: started.workflowId, statusUrl, page: importPagePath(started.importId) });
      ctx.flash('info', ctx.state.t('imports.upload.duplicate'));
      ctx.status = 303;
      return ctx.redirect(importPagePath(started.importId));
    }
    await auditFromCtx(ctx, 'import.start', started.importId, { fileName: started.fileName, url: urlWithoutQuery(url), mode, dryRun, ...(profile ? { mappingProfile: profile } : {}) });
    if (json) {
      ctx.status = 202;
      ctx.set('Location', statusUrl);
      ctx.body = { importId: started.importId, workflowId: started.workflowId, statusUrl, page: importPagePath(started.importId), fileName: started.fileName, sha256: started.sha256, mode, dryRun, mappingProfile: profile || null };
      return;
    }
    ctx.flash('success', ctx.state.t(dryRun ? 'imports.upload.checking' : 'imports.upload.importing', { file: started.fileName }));
    ctx.status = 303;
    ctx.redirect(importPagePath(started.importId));
  });

  async function listPage(ctx: Context, status = 200, extra: { form?: FeedForm; formError?: string } = {}): Promise<void> {
    const isAdmin = ctx.state.user?.role === 'admin';
    const feeds = (await listFeeds(deps.sql)).map((f) => (isAdmin ? f : { ...f, url: urlWithoutQuery(f.url) }));
    if (wantsJson(ctx) && status === 200) {
      ctx.body = { feeds: feeds.map(({ etag: _e, last_modified: _l, ...f }) => f) };
      return;
    }
    const profiles = await listProfiles(deps.sql);
    ctx.render('feeds/index', { title: ctx.state.t('feeds.title'), nav: 'feeds', feeds, profiles, modes: IMPORT_MODES, form: extra.form ?? EMPTY_FORM, formError: extra.formError }, status);
  }

  router.get(koaPath(feedApi.list), requireUser, (ctx) => listPage(ctx));

  router.post(koaPath(feedApi.create), requireAdmin, formBody(), async (ctx) => {
    const json = wantsJson(ctx);
    // What was typed, to show the form again if it is refused; the feed is made from the validated body below.
    const form: FeedForm = {
      name: bodyField(ctx, 'name'),
      url: bodyField(ctx, 'url'),
      schedule: bodyField(ctx, 'schedule'),
      mode: isImportMode(bodyField(ctx, 'mode')) ? (bodyField(ctx, 'mode') as ImportMode) : 'create_or_update',
      mappingProfile: bodyField(ctx, 'mapping_profile'),
    };
    const refuse = (status: number, message: string, extra?: Record<string, unknown>) => (json ? problem(ctx, status, message, extra) : listPage(ctx, status, { form, formError: message }));
    const checked = check(ctx, feedApi.create);
    if (!checked.ok) return refuse(400, firstProblem(checked.error), checked.error.problem);
    const { url, mode = 'create_or_update', mapping_profile: profile = '' } = checked.value.body;
    const spec = parseFeedSchedule(checked.value.body.schedule);
    if (typeof spec === 'string') return refuse(400, `schedule: ${spec}.`);
    // The address rules are checked now too, so a feed that can never run is refused at once (each run checks again).
    try {
      await resolvePublicTarget(url, (await downloadSettings(deps.config)).policy);
    } catch (err) {
      if (err instanceof WebhookUrlRefused) return refuse(422, `URL refused (${err.url}): ${err.reason}`);
      throw err;
    }
    if (profile && !(await listProfiles(deps.sql)).some((p) => p.name === profile)) return refuse(422, `There is no mapping profile named "${profile}".`);
    const id = randomUUID();
    const user = ctx.state.user!;
    if (!(await insertFeed(deps.sql, { id, name: form.name, url, schedule: form.schedule, mode: mode as ImportMode, mappingProfile: profile || null, createdBy: user.email }))) {
      return refuse(409, `A feed named "${form.name}" already exists.`);
    }
    try {
      await createFeedSchedule(deps.temporal, deps.config, { id, name: form.name, paused: false }, spec);
    } catch (err) {
      // No feed without its Schedule: Temporal refused the spec, or is unreachable.
      await deleteFeed(deps.sql, id);
      if (err instanceof Error && /invalid|cron|spec/i.test(err.message)) return refuse(400, `schedule: ${err.message}`);
      throw err;
    }
    await auditFromCtx(ctx, 'feed.create', id, { name: form.name, url: urlWithoutQuery(url), schedule: form.schedule, mode, mappingProfile: profile || null });
    if (json) {
      ctx.status = 201;
      ctx.set('Location', feedPath(id));
      ctx.body = { id, name: form.name, url, schedule: form.schedule, mode, mappingProfile: profile || null, page: feedPath(id) };
      return;
    }
    ctx.flash('success', ctx.state.t('feeds.flash.created', { name: form.name }));
    ctx.status = 303;
    ctx.redirect(feedPath(id));
  });

  router.get(koaPath(feedApi.show), requireUser, async (ctx) => {
    const stored = await getFeed(deps.sql, validate(ctx, feedApi.show).params.id);
    if (!stored) fail(404, 'There is no such feed.', { key: 'feeds.noFeed' });
    const feed = ctx.state.user?.role === 'admin' ? stored : { ...stored, url: urlWithoutQuery(stored.url) };
    const runs = await feedRuns(deps.sql, feed.id, 50);
    if (wantsJson(ctx)) {
      const { etag: _e, last_modified: _l, ...rest } = feed;
      ctx.body = { feed: rest, runs };
      return;
    }
    ctx.render('feeds/show', { title: feed.name, nav: 'feeds', feed, runs });
  });

  const action = (name: 'pause' | 'resume' | 'run' | 'delete') =>
    router.post(koaPath(feedApi[name]), requireAdmin, formBody(), async (ctx) => {
      const feed = await getFeed(deps.sql, validate(ctx, feedApi[name]).params.id);
      if (!feed) fail(404, 'There is no such feed.', { key: 'feeds.noFeed' });
      const by = ctx.state.user!.email;
      let started = true;
      if (name === 'pause' || name === 'resume') {
        await setFeedSchedulePaused(deps.temporal, deps.config, feed.id, name === 'pause', by);
        await setFeedPaused(deps.sql, feed.id, name === 'pause');
      } else if (name === 'run') {
        started = await runFeedNow(deps.temporal, deps.config, feed.id);
      } else {
        await deleteFeedSchedule(deps.temporal, deps.config, feed.id);
        await deleteFeed(deps.sql, feed.id);
      }
      await auditFromCtx(ctx, `feed.${name}`, feed.id, { name: feed.name, ...(name === 'run' ? { started } : {}) });
      if (wantsJson(ctx)) {
        ctx.status = name === 'run' ? (started ? 202 : 409) : 200;
        ctx.body = { id: feed.id, action: name, ...(name === 'run' ? { started } : {}) };
        return;
      }
      ctx.flash(started ? 'success' : 'info', ctx.state.t(started ? `feeds.flash.${name}` : 'feeds.flash.alreadyRunning', { name: feed.name }));
      ctx.status = 303;
      ctx.redirect(name === 'delete' ? FEEDS_PATH : feedPath(feed.id));
    });
  action('pause');
  action('resume');
  action('run');
  action('delete');

  return router;
}

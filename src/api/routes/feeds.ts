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

export const URL_IMPORT_PATH = '/admin-dashboard/courses/import/url/';
export const FEEDS_PATH = '/admin-dashboard/feeds/';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TRUE = new Set(['1', 'true', 'on', 'yes']);

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

function modeField(ctx: Context): ImportMode | string {
  const mode = bodyField(ctx, 'mode') || 'create_or_update';
  if (!isImportMode(mode)) return `mode must be one of ${IMPORT_MODES.join(', ')}.`;
  return mode as ImportMode;
}

function profileField(ctx: Context): string | { problem: string } {
  const name = bodyField(ctx, 'mapping_profile');
  const why = name ? profileNameProblem(name) : null;
  return why ? { problem: `mapping_profile: ${why}.` } : name;
}

function urlField(ctx: Context): string | { problem: string } {
  const url = bodyField(ctx, 'url');
  if (!url) return { problem: 'url is required (https://…).' };
  if (url.length > MAX_URL_LENGTH) return { problem: `url is longer than ${MAX_URL_LENGTH} characters.` };
  return url;
}

function feedIdParam(ctx: Context): string {
  const id = String(ctx.params.id ?? '');
  if (!UUID.test(id)) fail(404, 'There is no such feed.', { key: 'feeds.noFeed' });
  return id.toLowerCase();
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
  router.post(URL_IMPORT_PATH, requireAdmin, formBody(), async (ctx) => {
    const json = wantsJson(ctx);
    const url = urlField(ctx);
    const mode = modeField(ctx);
    const profile = profileField(ctx);
    const dryRun = TRUE.has((bodyField(ctx, 'dry_run') || bodyField(ctx, 'dryRun')).toLowerCase());
    const refuse = (status: number, message: string) => {
      if (json) return problem(ctx, status, message);
      ctx.flash('error', ctx.state.t('feeds.urlImport.refused', { reason: message }));
      ctx.status = 303;
      ctx.redirect('/admin-dashboard/courses/import/');
    };
    if (typeof url !== 'string') return refuse(400, url.problem);
    if (typeof profile !== 'string') return refuse(400, profile.problem);
    if (!isImportMode(mode)) return refuse(400, mode);
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

  router.get(FEEDS_PATH, requireUser, (ctx) => listPage(ctx));

  router.post(FEEDS_PATH, requireAdmin, formBody(), async (ctx) => {
    const json = wantsJson(ctx);
    const form: FeedForm = {
      name: bodyField(ctx, 'name'),
      url: bodyField(ctx, 'url'),
      schedule: bodyField(ctx, 'schedule'),
      mode: isImportMode(bodyField(ctx, 'mode')) ? (bodyField(ctx, 'mode') as ImportMode) : 'create_or_update',
      mappingProfile: bodyField(ctx, 'mapping_profile'),
    };
    const refuse = (status: number, message: string) => (json ? problem(ctx, status, message) : listPage(ctx, status, { form, formError: message }));
    if (!form.name || form.name.length > 100) return refuse(400, 'name is required (at most 100 characters).');
    const url = urlField(ctx);
    if (typeof url !== 'string') return refuse(400, url.problem);
    const mode = modeField(ctx);
    if (!isImportMode(mode)) return refuse(400, mode);
    const profile = profileField(ctx);
    if (typeof profile !== 'string') return refuse(400, profile.problem);
    const spec = parseFeedSchedule(form.schedule);
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

  router.get(`${FEEDS_PATH}:id/`, requireUser, async (ctx) => {
    const stored = await getFeed(deps.sql, feedIdParam(ctx));
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
    router.post(`${FEEDS_PATH}:id/${name}`, requireAdmin, formBody(), async (ctx) => {
      const feed = await getFeed(deps.sql, feedIdParam(ctx));
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

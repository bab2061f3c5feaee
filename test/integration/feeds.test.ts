// Feeds (issue 12) over the admin pages, against a real HTTPS server on loopback and the real stack: an admin
// creates a feed (a Temporal Schedule of its own), runs it twice and it imports once: the second run is a cheap
// "unchanged" run (304 to If-None-Match) visible in the feed's history; the same bytes under a new ETag are
// unchanged too. Pause / resume reach the Schedule; viewers read but cannot change; delete removes the Schedule.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ScheduleNotFoundError } from '@temporalio/client';
import { HttpSession } from '../support/http-session';
import { count, createTestEnv, type TestEnv } from '../support/env';
import { eventually } from '../support/wait';
import { removeCertificate, selfSignedCertificate, startHttpsPeer, type HttpsPeer, type SelfSigned } from '../support/https-peer';
import { createApp } from '../../src/api/app';
import { authRoutes } from '../../src/api/routes/auth';
import { feedRoutes } from '../../src/api/routes/feeds';
import { insertUser } from '../../src/db/users';
import { hashPassword } from '../../src/api/passwords';
import { logger } from '../../src/logger';
import { toCsv } from '../../src/domain/templates';
import { ensureFeedSchedules, feedScheduleId } from '../../src/temporal/feed-schedules';
import type { FeedRun } from '../../src/db/feeds';

const PASSWORD = 'correct horse battery staple 42';
let tls: SelfSigned;
let peer: HttpsPeer;
let t: TestEnv;
let server: Server;
let base: string;
let etag = '"v1"';

const RUN = Math.random().toString(36).slice(2, 8);
const nightly = toCsv([
  { title: `Nightly A ${RUN}`, description: 'From the marketplace export', difficulty: 'beginner', learning_mode: 'text', price: 0, is_free: true },
  { title: `Nightly B ${RUN}`, description: 'From the marketplace export', difficulty: 'intermediate', learning_mode: 'video', price: 5, is_free: false },
]);

class Session extends HttpSession {
  constructor() {
    super(() => base);
  }
}

before(async () => {
  tls = await selfSignedCertificate();
  peer = await startHttpsPeer(tls, (req, res) => {
    if (req.url !== '/marketplace/export.csv') return res.writeHead(404).end();
    if (req.headers['if-none-match'] === etag) return res.writeHead(304, { etag }).end();
    res.writeHead(200, { 'content-type': 'text/csv', etag, 'last-modified': 'Mon, 30 Nov 2026 02:00:00 GMT' }).end(nightly);
  });
  t = await createTestEnv('feeds', { URL_IMPORT_ALLOW_HOSTS: `127.0.0.1:${peer.port}`, URL_IMPORT_CA_FILE: tls.certFile });
  await t.startWorker();
  const deps = { config: t.config, sql: t.sql, es: t.es, temporal: t.client, logger: logger.child({ test: 'feeds' }) };
  server = createServer(createApp(deps, [authRoutes(deps), feedRoutes(deps)]).callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const hash = await hashPassword(PASSWORD);
  await insertUser(t.sql, { email: 'admin@example.com', role: 'admin', passwordHash: hash, createdBy: null });
  await insertUser(t.sql, { email: 'viewer@example.com', role: 'viewer', passwordHash: hash, createdBy: null });
});

after(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await t?.close();
  await peer?.close();
  if (tls) await removeCertificate(tls);
});

async function runs(feedId: string): Promise<FeedRun[]> {
  return t.sql<FeedRun[]>`SELECT * FROM feed_runs WHERE feed_id = ${feedId} ORDER BY id`;
}

/** Clicks "Run now" and waits for the run to appear in the history, as the admin reloading the page would. */
async function runNow(s: Session, feedId: string, n: number): Promise<FeedRun> {
  // A manual run has a fixed workflow id: wait until the previous one has closed (its result recorded) before clicking again.
  await t.client.workflow.getHandle(`${feedScheduleId(t.config, feedId)}-now`).result().catch(() => {});
  const res = await s.postForm(`/admin-dashboard/feeds/${feedId}/run`);
  assert.equal(res.status, 303);
  return eventually(async () => (await runs(feedId))[n - 1], `run ${n} of the feed`, 180_000);
}

describe('feeds', () => {
  test('a feed that runs twice imports once; the unchanged run is in its history', async () => {
    const admin = new Session();
    await admin.signIn('admin@example.com', PASSWORD, '/admin-dashboard/feeds/');
    const created = await admin.postForm('/admin-dashboard/feeds/', { name: 'Marketplace', url: `${peer.origin}/marketplace/export.csv`, schedule: '0 3 * * *', mode: 'create_or_update' });
    assert.equal(created.status, 303);
    const feedId = /\/admin-dashboard\/feeds\/([0-9a-f-]{36})\/$/.exec(created.headers.get('location') ?? '')?.[1];
    assert.ok(feedId, `redirected to the feed's page, got ${created.headers.get('location')}`);
    // Its own Temporal Schedule, every night at 3:00 in the display time zone.
    const schedule = await t.client.schedule.getHandle(feedScheduleId(t.config, feedId)).describe();
    assert.equal(schedule.state.paused, false);
    assert.equal(schedule.spec.timezone, t.config.i18n.displayTimeZone);
    assert.equal(schedule.spec.calendars?.[0]?.hour?.[0]?.start, 3);

    const first = await runNow(admin, feedId, 1);
    assert.equal(first.outcome, 'imported');
    assert.equal(first.triggered_by, 'manual');
    assert.ok(first.import_id);
    const imported = await eventually(async () => {
      const [row] = await t.sql<{ status: string; started_by: string }[]>`SELECT status, started_by FROM imports WHERE id = ${first.import_id} AND finished_at IS NOT NULL`;
      return row;
    }, 'the feed import to finish', 180_000);
    assert.equal(imported.status, 'succeeded');
    assert.equal(imported.started_by, 'feed:Marketplace');
    assert.equal(await count(t.sql`SELECT count(*)::int AS n FROM courses WHERE title LIKE ${`Nightly % ${RUN}`}`), 2);

    const second = await runNow(admin, feedId, 2);
    assert.equal(second.outcome, 'unchanged');
    assert.equal(second.http_status, 304);
    assert.equal(second.import_id, null);
    // The validators of the first download went back to the server.
    const conditional = peer.requests.at(-1)!;
    assert.equal(conditional.headers['if-none-match'], '"v1"');
    assert.equal(conditional.headers['if-modified-since'], 'Mon, 30 Nov 2026 02:00:00 GMT');

    // A server that changes its ETag but not the bytes: downloaded, recognised by its sha256, not imported.
    etag = '"v2"';
    const third = await runNow(admin, feedId, 3);
    assert.equal(third.outcome, 'unchanged');
    assert.equal(third.http_status, 200);
    assert.match(third.detail ?? '', /same content/);

    // The Schedule's own action (what fires every night at 3:00), triggered now: the same run, started by the schedule.
    await t.client.workflow.getHandle(`${feedScheduleId(t.config, feedId)}-now`).result();
    await t.client.schedule.getHandle(feedScheduleId(t.config, feedId)).trigger();
    const scheduled = await eventually(async () => (await runs(feedId))[3], 'the scheduled run', 180_000);
    assert.equal(scheduled.triggered_by, 'scheduled');
    assert.equal(scheduled.outcome, 'unchanged');

    assert.equal(await count(t.sql`SELECT count(*)::int AS n FROM imports`), 1);
    assert.equal(await count(t.sql`SELECT count(*)::int AS n FROM imports WHERE file_name = 'export.csv'`), 1);

    // What the admin sees: the last result on the list, every run on the feed's page.
    const list = await (await admin.fetch('/admin-dashboard/feeds/')).text();
    assert.match(list, /data-feed="Marketplace"[\s\S]*?class="feed-last">\s*<strong>Unchanged<\/strong>/);
    const page = await (await admin.fetch(`/admin-dashboard/feeds/${feedId}/`)).text();
    const outcomes = [...page.matchAll(/class="run-outcome">([^<]+)</g)].map((m) => m[1]);
    assert.deepEqual(outcomes, ['Unchanged', 'Unchanged', 'Unchanged', 'Imported']);
  });

  test('pause and resume reach the Schedule; viewers read and cannot change; delete removes the Schedule', async () => {
    const admin = new Session();
    await admin.signIn('admin@example.com', PASSWORD, '/admin-dashboard/feeds/');
    const created = await admin.postForm('/admin-dashboard/feeds/', { name: 'Every six hours', url: `${peer.origin}/marketplace/export.csv?token=s3cret`, schedule: '6h' });
    assert.equal(created.status, 303);
    const feedId = /feeds\/([0-9a-f-]{36})\//.exec(created.headers.get('location') ?? '')?.[1]!;
    const handle = t.client.schedule.getHandle(feedScheduleId(t.config, feedId));
    assert.equal((await handle.describe()).spec.intervals?.[0]?.every, 6 * 3600 * 1000);

    assert.equal((await admin.postForm(`/admin-dashboard/feeds/${feedId}/pause`)).status, 303);
    assert.equal((await handle.describe()).state.paused, true);
    assert.match(await (await admin.fetch(`/admin-dashboard/feeds/${feedId}/`)).text(), /id="feed-state">Paused</);

    const viewer = new Session();
    await viewer.signIn('viewer@example.com', PASSWORD, '/admin-dashboard/feeds/');
    const viewerPage = await (await viewer.fetch('/admin-dashboard/feeds/')).text();
    assert.match(viewerPage, /Every six hours/);
    assert.doesNotMatch(viewerPage, /Run now|New feed/);
    // The access token a marketplace puts in its export URL is for admins' eyes only.
    assert.match(viewerPage, /marketplace\/export\.csv\?…/);
    assert.doesNotMatch(viewerPage + (await (await viewer.fetch(`/admin-dashboard/feeds/${feedId}/`)).text()), /s3cret/);
    assert.match(await (await admin.fetch(`/admin-dashboard/feeds/${feedId}/`)).text(), /export\.csv\?token=s3cret/);
    assert.equal((await viewer.postForm(`/admin-dashboard/feeds/${feedId}/resume`)).status, 403);
    assert.equal((await handle.describe()).state.paused, true);

    // A form without the CSRF token changes nothing.
    const forged = await admin.fetch(`/admin-dashboard/feeds/${feedId}/resume`, { method: 'POST', body: new URLSearchParams({}) });
    assert.equal(forged.status, 403);
    assert.equal((await handle.describe()).state.paused, true);

    assert.equal((await admin.postForm(`/admin-dashboard/feeds/${feedId}/resume`)).status, 303);
    assert.equal((await handle.describe()).state.paused, false);

    // Refused at creation: a loopback URL that is not allowed, and a schedule that is not one.
    const loopback = await admin.postForm('/admin-dashboard/feeds/', { name: 'Internal', url: 'https://127.0.0.1:1/x.csv', schedule: '1d' });
    assert.equal(loopback.status, 422);
    assert.match(await loopback.text(), /a loopback address/);
    const badSchedule = await admin.postForm('/admin-dashboard/feeds/', { name: 'Too often', url: `${peer.origin}/marketplace/export.csv`, schedule: '1m' });
    assert.equal(badSchedule.status, 400);
    assert.match(await badSchedule.text(), /shorter than 5 minutes/);

    // A Schedule lost with its namespace comes back when the worker starts, paused if the feed is.
    assert.equal((await admin.postForm(`/admin-dashboard/feeds/${feedId}/pause`)).status, 303);
    await handle.delete();
    assert.ok((await ensureFeedSchedules(t.client, t.config, t.sql)).includes(feedId));
    assert.equal((await handle.describe()).state.paused, true);
    assert.deepEqual(await ensureFeedSchedules(t.client, t.config, t.sql), []);

    assert.equal((await admin.postForm(`/admin-dashboard/feeds/${feedId}/delete`)).status, 303);
    await assert.rejects(handle.describe(), ScheduleNotFoundError);
    assert.equal(await count(t.sql`SELECT count(*)::int AS n FROM feeds WHERE id = ${feedId}`), 0);
  });
});

// Operators' promises: the daily summary through its schedule, an alert when the watcher stops and when it is
// back, and /metrics moving after an import.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Worker } from '@temporalio/worker';
import { createTestEnv, type TestEnv } from '../support/env';
import { eventually } from '../support/wait';
import { startSmtpPeer, type SmtpPeer } from '../support/smtp-peer';
import { startWebhookPeer, type WebhookPeer } from '../support/webhook-peer';
import { DropWatcher } from '../../src/watcher/drop-watcher';
import { logger } from '../../src/logger';
import { createHealthWorker } from '../../src/worker/health-worker';
import { connectWorker } from '../../src/temporal/connect-worker';
import { ensureSchedules, scheduleIds } from '../../src/temporal/schedules';
import { createNotifier } from '../../src/notify/deliver';
import { startMetricsServer } from '../../src/metrics/server';
import { startImport } from '../../src/temporal/start-import';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../src/api/app';
import { HttpSession } from '../support/http-session';
import { createUser } from '../e2e/support/users';
import { importOutcome } from '../../src/temporal/import-outcome';

let t: TestEnv;
let smtp: SmtpPeer;
let hooks: WebhookPeer;
let health: Worker;
let healthRun: Promise<void>;

before(async () => {
  smtp = await startSmtpPeer();
  hooks = await startWebhookPeer();
  t = await createTestEnv('ops', {
    SMTP_URL: smtp.url,
    ADMIN_NOTIFICATION_EMAILS: 'admin@example.com',
    NOTIFICATION_WEBHOOKS: JSON.stringify({ slack: hooks.url('/slack') }),
    WEBHOOK_ALLOW_HOSTS: `127.0.0.1:${hooks.port}`,
    WEBHOOK_ALLOW_INSECURE: 'true',
    HEARTBEAT_INTERVAL: '1s',
    HEALTH_STALE_AFTER: '3s',
  });
  await t.startWorker();
  const connection = await connectWorker(t.config.temporal);
  health = await createHealthWorker({
    connection,
    config: t.config,
    deps: { sql: t.sql, es: t.es, config: t.config, logger, notifier: createNotifier(t.config.notifications) },
  });
  healthRun = health.run();
  await ensureSchedules(t.client, t.config);
  // Only the runs a test triggers may look at the state: a run of the every-minute schedule in between would
  // take the transition a test waits for.
  for (const id of [scheduleIds(t.config).health, scheduleIds(t.config).healthByWorker]) {
    await t.client.schedule.getHandle(id).pause('tests trigger their own runs');
  }
});

after(async () => {
  for (const id of Object.values(scheduleIds(t.config))) await t.client.schedule.getHandle(id).delete().catch(() => {});
  health?.shutdown();
  await healthRun;
  await t?.close();
  await smtp?.close();
  await hooks?.close();
});

/** Triggers the watcher's health check (or the worker's) and returns the alerts of that run. */
async function triggerHealthCheck(by: 'watcher' | 'worker' = 'watcher'): Promise<string[]> {
  const before = new Date();
  const ids = scheduleIds(t.config);
  await t.client.schedule.getHandle(by === 'watcher' ? ids.health : ids.healthByWorker).trigger();
  const queue = by === 'watcher' ? t.config.health.taskQueue : t.config.temporal.taskQueue;
  // The triggered run is the newest healthCheck on that queue; wait for it to finish.
  return eventually(async () => {
    for await (const wf of t.client.workflow.list({ query: `WorkflowType = 'healthCheck' AND TaskQueue = '${queue}' AND StartTime >= '${before.toISOString()}'` })) {
      if (wf.status.name === 'COMPLETED') return (await t.client.workflow.getHandle(wf.workflowId, wf.runId).result()) as string[];
    }
    return undefined;
  }, 'the triggered health check', 30_000);
}

const slackAlerts = () =>
  hooks.requests.filter((r) => r.path === '/slack').map((r) => JSON.stringify(r.json)).filter((j) => /watcher/i.test(j));

test('the schedules exist: a daily summary at the configured time and a health check every minute', async () => {
  const digest = await t.client.schedule.getHandle(scheduleIds(t.config).digest).describe();
  assert.deepEqual(digest.spec.calendars?.[0]?.hour, [{ start: 8, end: 8, step: 1 }]);
  assert.equal(digest.spec.timezone, 'Europe/Paris');
  const healthSchedule = await t.client.schedule.getHandle(scheduleIds(t.config).health).describe();
  assert.equal(healthSchedule.spec.intervals?.[0]?.every, 60_000);
  assert.equal(healthSchedule.action.type === 'startWorkflow' && healthSchedule.action.taskQueue, t.config.health.taskQueue);
  const byWorker = await t.client.schedule.getHandle(scheduleIds(t.config).healthByWorker).describe();
  assert.equal(byWorker.spec.intervals?.[0]?.every, 60_000);
  assert.equal(byWorker.action.type === 'startWorkflow' && byWorker.action.taskQueue, t.config.temporal.taskQueue);
});

test('stopping the watcher raises an alert, and its return clears it', async () => {
  const watcher = new DropWatcher({ client: t.client, sql: t.sql, config: t.config, logger });
  await watcher.start();
  // The worker is polling and the watcher beats: nothing to say.
  await eventually(async () => (await triggerHealthCheck()).length === 0, 'a quiet health check', 30_000);

  await watcher.close();
  assert.deepEqual(await triggerHealthCheck(), ['watcher_down']);
  await eventually(async () => slackAlerts().length === 1, 'the watcher_down webhook', 30_000);
  const mail = await eventually(async () => smtp.messages.find((m) => /watcher/i.test(m.subject)), 'the alert email', 30_000);
  assert.match(mail.subject, /watcher/i);
  // Once: the next check stays silent while it is still down.
  assert.deepEqual(await triggerHealthCheck(), []);

  const again = new DropWatcher({ client: t.client, sql: t.sql, config: t.config, logger });
  await again.start();
  assert.deepEqual(await triggerHealthCheck(), ['watcher_up']);
  await eventually(async () => slackAlerts().length === 2, 'the watcher_up webhook', 30_000);
  await again.close();
});

test('a crashed watcher (no clean stop) is reported once its heartbeat is stale', async () => {
  await t.sql`DELETE FROM health_alerts`;
  await t.sql`INSERT INTO component_heartbeats (component, instance, last_seen_at) VALUES ('watcher', 'crashed:1', now() - interval '10 seconds')`;
  assert.deepEqual(await triggerHealthCheck(), ['watcher_down']);
});

test('the daily summary arrives when its schedule is triggered', async () => {
  const file = path.join(t.folder('incoming'), 'digest.csv');
  await writeFile(file, 'title,price\n"Digest course",12\n"Broken",abc\n');
  const started = await startImport(t.client, t.config, { path: file, fileName: 'digest.csv', source: 'cli', mode: 'create_or_update', dryRun: false, startedBy: 'test' });
  await importOutcome(t.client.workflow.getHandle(started.workflowId));

  const count = smtp.messages.length;
  await t.client.schedule.getHandle(scheduleIds(t.config).digest).trigger();
  const digest = await eventually(async () => smtp.messages.slice(count).find((m) => /summary|digest|résumé/i.test(m.subject)), 'the digest email', 60_000);
  assert.match(digest.text, /digest\.csv|1 created|created/i);
  // In the notification language (French by default): the price field is 'prix'.
  assert.match(digest.text, /prix/i, 'the most frequent errors are listed');
});

test('/metrics moves after an import', async () => {
  const metrics = await startMetricsServer({ sql: t.sql, es: t.es, config: t.config, logger, port: 0 });
  assert.ok(metrics, 'port 0 always binds');
  try {
    const scrape = async () => (await fetch(metrics.url)).text();
    const value = (text: string, series: string) => Number(new RegExp(`^${series.replace(/[{}]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
    const before = await scrape();
    const file = path.join(t.folder('incoming'), 'metrics.csv');
    await writeFile(file, 'title,price\n"Metrics course",3\n');
    const started = await startImport(t.client, t.config, { path: file, fileName: 'metrics.csv', source: 'upload', mode: 'create_or_update', dryRun: false, startedBy: 'test' });
    const summary = await importOutcome(t.client.workflow.getHandle(started.workflowId));
    assert.equal(summary.status, 'succeeded');
    const afterText = await scrape();
    const series = 'course_import_imports_total{status="succeeded",source="upload"}';
    assert.equal(value(afterText, series), value(before, series) + 1);
    assert.ok(value(afterText, 'course_import_rows_total{action="created"}') >= value(before, 'course_import_rows_total{action="created"}') + 1);
    assert.ok(value(afterText, 'course_import_step_duration_seconds_count{step="parse",outcome="success"}') > value(before, 'course_import_step_duration_seconds_count{step="parse",outcome="success"}'));
    assert.ok(value(afterText, 'course_import_documents_indexed') >= 1);
    assert.match(afterText, /course_import_ingest_files\{folder="processed"\} \d+/);
  } finally {
    await metrics.close();
  }
});

test('/metrics says whether the watcher and the workers are up, as the admin does', async () => {
  const scrapeUp = async (url: string, component: string): Promise<number | null> => {
    const m = new RegExp(`^course_import_component_up\\{component="${component}"\\} (\\S+)$`, 'm').exec(await (await fetch(url)).text());
    return m ? Number(m[1]) : null;
  };
  await t.sql`DELETE FROM component_heartbeats WHERE component = 'watcher'`;
  const metrics = await startMetricsServer({ sql: t.sql, es: t.es, config: t.config, logger, port: 0, temporal: t.client });
  assert.ok(metrics, 'port 0 always binds');
  try {
    assert.equal(await scrapeUp(metrics.url, 'watcher'), 0, 'no watcher running');
    // The test worker polls the import task queue (Temporal lists a poller once it has polled).
    await eventually(async () => (await scrapeUp(metrics.url, 'worker')) === 1, 'the worker to show up', 30_000);
    const watcher = new DropWatcher({ client: t.client, sql: t.sql, config: t.config, logger });
    await watcher.start();
    try {
      assert.equal(await scrapeUp(metrics.url, 'watcher'), 1);
    } finally {
      await watcher.close();
    }
    assert.equal(await scrapeUp(metrics.url, 'watcher'), 0, 'a stopped watcher is down at once');
  } finally {
    await metrics.close();
  }
  // A task queue no worker polls: the worker is down.
  const idle = { ...t.config, temporal: { ...t.config.temporal, taskQueue: `${t.config.temporal.taskQueue}-nobody` } };
  const lonely = await startMetricsServer({ sql: t.sql, es: t.es, config: idle, logger, port: 0, temporal: t.client });
  assert.ok(lonely);
  try {
    assert.equal(await scrapeUp(lonely.url, 'worker'), 0);
  } finally {
    await lonely.close();
  }
});

test('the admin shows the schedules with their next and last runs, and an admin can pause one', async () => {
  const app = createApp({ config: t.config, sql: t.sql, es: t.es, temporal: t.client, logger });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const ids = scheduleIds(t.config);
    const viewer = new HttpSession(base);
    const v = await createUser(t.sql, 'viewer');
    await viewer.login(v.email, v.password);
    const page = await viewer.get('/admin-dashboard/schedules/');
    assert.equal(page.status, 200);
    assert.ok(page.text.includes(ids.digest) && page.text.includes(ids.health));
    assert.match(page.text, /every day at 08:00 \(Europe\/Paris\)/);
    assert.match(page.text, /Next runs[\s\S]*<time datetime="\d{4}-/);
    assert.ok(!page.text.includes('>Pause<'), 'a viewer sees no pause button');
    const refused = await viewer.post(`/admin-dashboard/schedules/${ids.digest}/pause`, { _csrf: await viewer.csrfToken() });
    assert.equal(refused.status, 403);

    const admin = new HttpSession(base);
    const a = await createUser(t.sql, 'admin');
    await admin.login(a.email, a.password);
    const paused = await admin.post(`/admin-dashboard/schedules/${ids.digest}/pause`, { _csrf: await admin.csrfToken() });
    assert.equal(paused.status, 303);
    assert.equal((await t.client.schedule.getHandle(ids.digest).describe()).state.paused, true);
    assert.match((await admin.get('/admin-dashboard/schedules/')).text, /paused by/);
    await admin.post(`/admin-dashboard/schedules/${ids.digest}/unpause`, { _csrf: await admin.csrfToken() });
    assert.equal((await t.client.schedule.getHandle(ids.digest).describe()).state.paused, false);
    const [audit] = await t.sql`SELECT action, target FROM audit_log WHERE action = 'schedule.pause'`;
    assert.equal(audit?.target, ids.digest);
  } finally {
    server.close();
    server.closeAllConnections();
  }
});

test('the worker runs the same check on its own task queue: with no watcher running, it reports the watcher gone', async () => {
  await t.sql`DELETE FROM health_alerts`;
  await t.sql`DELETE FROM component_heartbeats`;
  assert.deepEqual(await triggerHealthCheck('worker'), ['watcher_down']);
  // The watcher's own run now agrees and stays silent: one alert per change, whichever process noticed it.
  assert.deepEqual(await triggerHealthCheck('watcher'), []);
});

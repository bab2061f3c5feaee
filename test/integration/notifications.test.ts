// An import's email and webhook messages, through the real pipeline, to real SMTP and HTTP peers on loopback.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createTestEnv, type TestEnv } from '../support/env';
import { eventually } from '../support/wait';
import { startSmtpPeer, type SmtpPeer } from '../support/smtp-peer';
import { startWebhookPeer, type WebhookPeer } from '../support/webhook-peer';
import { startImport } from '../../src/temporal/start-import';
import type { ImportSummary } from '../../src/contract';
import { deliveriesOfImport } from '../../src/db/notifications';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../src/api/app';
import { logger } from '../../src/logger';
import { HttpSession } from '../support/http-session';
import { createUser } from '../e2e/support/users';
import { importOutcome } from '../../src/temporal/import-outcome';

let t: TestEnv;
let smtp: SmtpPeer;
let hooks: WebhookPeer;

before(async () => {
  smtp = await startSmtpPeer();
  hooks = await startWebhookPeer();
  t = await createTestEnv('notify', {
    SMTP_URL: smtp.url,
    ADMIN_NOTIFICATION_EMAILS: 'admin@example.com,ops@example.com',
    NOTIFICATION_WEBHOOKS: JSON.stringify({ slack: hooks.url('/slack'), discord: hooks.url('/api/webhooks/1/discord'), teams: hooks.url('/teams') }),
    WEBHOOK_ALLOW_HOSTS: `127.0.0.1:${hooks.port}`,
    WEBHOOK_ALLOW_INSECURE: 'true',
    NOTIFICATION_TIMEOUT: '3s',
    // The assertions read the English wording; French is the default (NOTIFICATION_LANGUAGE=fr), unit-tested.
    NOTIFICATION_LANGUAGE: 'en',
    PUBLIC_URL: 'https://admin.example.com',
  });
  await t.startWorker();
});

after(async () => {
  await t?.close();
  await smtp?.close();
  await hooks?.close();
});

async function runImport(fileName: string, content: string, startedBy: string): Promise<ImportSummary> {
  const file = path.join(t.folder('incoming'), `${Date.now()}-${fileName}`);
  await writeFile(file, content);
  const started = await startImport(t.client, t.config, { path: file, fileName, source: 'upload', mode: 'create_or_update', dryRun: false, startedBy });
  return await importOutcome(t.client.workflow.getHandle(started.workflowId));
}

const requestsTo = (p: string) => hooks.requests.filter((r) => r.path === p);

/** Waits until the import's deliveries are over (its deliverNotice child workflow has completed): nothing can arrive after. */
async function deliveriesOver(importId: string): Promise<void> {
  await t.client.workflow.getHandle(`notify-${importId}`).result();
}

test("an import's email and webhook messages arrive once each, in each platform's format", async () => {
  const summary = await runImport(
    'catalogue <1>.csv',
    'title,difficulty,price\n"Notified course",beginner,10\n"Bad course",impossible,10\n',
    'alice@example.com',
  );
  assert.equal(summary.status, 'succeeded_with_errors');
  const [mail] = await smtp.waitFor(1, 30_000);
  assert.match(mail!.subject, /catalogue <1>\.csv/);
  assert.match(mail!.subject, /1 row error/);
  assert.deepEqual([...mail!.to].sort(), ['admin@example.com', 'alice@example.com', 'ops@example.com']);
  assert.match(mail!.text, /row 3/i);
  assert.match(mail!.html, /catalogue &lt;1&gt;\.csv/);
  assert.ok(mail!.html.includes(`https://admin.example.com/admin-dashboard/imports/${summary.importId}/`));
  assert.ok(mail!.text.includes(`/workflows/${summary.workflowId}`));

  await eventually(async () => requestsTo('/slack').length && requestsTo('/teams').length && requestsTo('/api/webhooks/1/discord').length, 'the three webhooks', 30_000);
  const slack = requestsTo('/slack')[0]!.json as { blocks: unknown[]; text: string };
  assert.ok(Array.isArray(slack.blocks) && slack.blocks.length > 0);
  const discord = requestsTo('/api/webhooks/1/discord')[0]!.json as { embeds: { title: string }[]; allowed_mentions: unknown };
  assert.match(discord.embeds[0]!.title, /catalogue/);
  assert.deepEqual(discord.allowed_mentions, { parse: [] });
  const teams = requestsTo('/teams')[0]!.json as { attachments: { contentType: string }[] };
  assert.equal(teams.attachments[0]!.contentType, 'application/vnd.microsoft.card.adaptive');
  assert.equal(requestsTo('/slack')[0]!.headers['idempotency-key'], `import:${summary.importId}:${(await deliveriesOfImport(t.sql, summary.importId)).find((d) => d.channel.startsWith('slack'))!.channel}`);

  // Nothing more arrives once the deliveries are over: once per import and channel.
  await deliveriesOver(summary.importId);
  assert.equal(smtp.messages.length, 1);
  assert.equal(requestsTo('/slack').length, 1);
  const deliveries = await deliveriesOfImport(t.sql, summary.importId);
  assert.deepEqual(deliveries.map((d) => d.status), ['sent', 'sent', 'sent', 'sent']);
});

test("a failed import's email and webhooks give the reason a person can act on, not 'unknown error'", async () => {
  const summary = await runImport('broken-export.json', '{"courses": [ {"title": ', 'bob@example.com');
  assert.equal(summary.status, 'failed');
  const mail = await eventually(async () => smtp.messages.find((m) => m.subject.includes('broken-export.json')), 'the failure email', 30_000);
  assert.match(mail.subject, /Import failed: broken-export\.json — .*JSON/);
  assert.doesNotMatch(mail.subject + mail.text, /unknown error/);
  assert.match(mail.text, /Error (malformed|unreadable): .*JSON/);
  const slack = await eventually(async () => requestsTo('/slack').find((r) => JSON.stringify(r.json).includes('broken-export.json')), 'the Slack message', 30_000);
  assert.match(JSON.stringify(slack.json), /broken-export\.json — .*JSON/);
  assert.doesNotMatch(JSON.stringify(slack.json), /unknown error/);
});

test('warnings (a column that matches no field) are listed in the email and the cards', async () => {
  await runImport('with-extra-column.csv', 'title,price,couleur\n"Warned course",10,bleu\n', 'carol@example.com');
  const mail = await eventually(async () => smtp.messages.find((m) => m.subject.includes('with-extra-column.csv')), 'the email', 30_000);
  assert.match(mail.text, /Warnings \(values interpreted, columns ignored\):\n  the column 'couleur' matches no course field/);
  assert.match(mail.html, /the column &#39;couleur&#39; matches no course field|the column 'couleur' matches no course field/);
  const teams = await eventually(async () => requestsTo('/teams').find((r) => JSON.stringify(r.json).includes('with-extra-column.csv')), 'the Teams card', 30_000);
  assert.match(JSON.stringify(teams.json), /couleur/);
});

test('an SMTP server refusing once: the email is retried and arrives exactly once', async () => {
  smtp.messages.length = 0;
  smtp.refuseNext(451, 'try again later', 1);
  const summary = await runImport('retry-mail.csv', 'title,price\n"Mail retry course",5\n', 'cli:bob');
  assert.equal(summary.status, 'succeeded');
  const mails = await smtp.waitFor(1, 60_000);
  await deliveriesOver(summary.importId);
  assert.equal(smtp.messages.length, 1);
  assert.match(mails[0]!.subject, /retry-mail\.csv/);
  const email = (await deliveriesOfImport(t.sql, summary.importId)).find((d) => d.channel === 'email');
  assert.equal(email?.status, 'sent');
  assert.equal(email?.attempts, 2);
});

test('a 429 waits for its Retry-After; a 400 is not retried and never fails the import', async () => {
  hooks.requests.length = 0;
  hooks.script('/slack', [{ status: 429, headers: { 'retry-after': '2' } }]);
  hooks.script('/teams', [{ status: 400, body: 'bad card' }]);
  const summary = await runImport('rate-limited.csv', 'title,price\n"Rate limited course",5\n', 'cli:carol');
  assert.equal(summary.status, 'succeeded');
  await eventually(async () => requestsTo('/slack').length >= 2, 'the slack retry', 60_000);
  const [first, second] = requestsTo('/slack');
  assert.ok(second!.receivedAt - first!.receivedAt >= 1900, `waited ${second!.receivedAt - first!.receivedAt} ms`);
  await eventually(async () => {
    const d = await deliveriesOfImport(t.sql, summary.importId);
    return d.find((x) => x.channel.startsWith('teams'))?.status === 'failed' && d.find((x) => x.channel.startsWith('slack'))?.status === 'sent';
  }, 'the deliveries to settle', 30_000);
  await deliveriesOver(summary.importId);
  assert.equal(requestsTo('/teams').length, 1, 'a 400 is final');
  const [imp] = await t.sql`SELECT status FROM imports WHERE id = ${summary.importId}`;
  assert.equal(imp!.status, 'succeeded');

  // The undeliverable message is reported on the import's page.
  const app = createApp({ config: t.config, sql: t.sql, es: t.es, temporal: t.client, logger });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  try {
    const user = await createUser(t.sql, 'viewer');
    const s = new HttpSession(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    await s.login(user.email, user.password);
    const page = await s.request('GET', `/admin-dashboard/imports/${summary.importId}/`);
    assert.equal(page.status, 200);
    const section = page.text.slice(page.text.indexOf('id="notifications-table"'));
    assert.match(section, /teams[\s\S]*?failed[\s\S]*?400/);
    assert.match(section, /slack[\s\S]*?sent/);
  } finally {
    server.close();
    server.closeAllConnections();
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { channelsFor, matchesEvent, NotificationConfigError, parseNotificationConfig } from '../../src/notify/routing';

const SLACK = 'https://hooks.slack.com/services/T000/B000/XXXX';
const DISCORD = 'https://discord.com/api/webhooks/123/token';
const TEAMS = 'https://prod-01.westeurope.logic.azure.com/workflows/abc/triggers/manual/paths/invoke?sig=secret';

const base = {
  NOTIFICATION_WEBHOOKS: JSON.stringify({ slack: SLACK, discord: DISCORD, teams: TEAMS }),
  ADMIN_NOTIFICATION_EMAILS: 'admin@example.com, ops@example.com',
  SMTP_URL: 'smtp://mail.example.com:587',
};

function refusal(env: Record<string, string>): string {
  try {
    parseNotificationConfig(env);
  } catch (err) {
    assert.ok(err instanceof NotificationConfigError);
    return err.message;
  }
  assert.fail('expected the configuration to be refused');
}

test('nothing configured: no channel at all', () => {
  const config = parseNotificationConfig({});
  assert.equal(config.email, null);
  assert.deepEqual(config.webhooks, []);
  assert.deepEqual(channelsFor('import.failed', config), []);
  assert.equal(config.timeoutMs, 10_000);
});

test('defaults: email hears everything, webhooks hear outcomes, digests and alerts', () => {
  const config = parseNotificationConfig(base);
  assert.deepEqual(config.email, { smtpUrl: 'smtp://mail.example.com:587', from: 'Course import <course-import@localhost>', to: ['admin@example.com', 'ops@example.com'] });
  const kinds = (event: string) => channelsFor(event, config).map((c) => c.kind);
  for (const event of ['import.succeeded', 'import.partial', 'import.failed', 'digest.daily', 'alert.watcher_down', 'alert.worker_up']) {
    assert.deepEqual(kinds(event), ['email', 'slack', 'discord', 'teams'], event);
  }
  assert.deepEqual(kinds('import.discarded'), ['email']);
  assert.deepEqual(kinds('import.cancelled'), ['email']);
});

test('routes override per channel; channels left out keep their defaults', () => {
  const config = parseNotificationConfig({
    ...base,
    NOTIFICATION_ROUTES: JSON.stringify({ slack: ['import.*', 'alert.*'], email: ['import.failed', 'import.partial', 'digest.*', 'alert.*'], teams: [] }),
  });
  const kinds = (event: string) => channelsFor(event, config).map((c) => c.kind);
  assert.deepEqual(kinds('import.succeeded'), ['slack', 'discord']);
  assert.deepEqual(kinds('import.discarded'), ['slack']);
  assert.deepEqual(kinds('import.failed'), ['email', 'slack', 'discord']);
  assert.deepEqual(kinds('digest.daily'), ['email', 'discord']);
});

test('a webhook kind may list several URLs; each is its own channel with a stable id', () => {
  const other = 'https://hooks.slack.com/services/T000/B111/YYYY';
  const config = parseNotificationConfig({ NOTIFICATION_WEBHOOKS: JSON.stringify({ slack: [SLACK, other] }) });
  const channels = channelsFor('import.failed', config);
  assert.deepEqual(
    channels.map((c) => c.kind),
    ['slack', 'slack'],
  );
  assert.notEqual(channels[0]?.id, channels[1]?.id);
  const reordered = parseNotificationConfig({ NOTIFICATION_WEBHOOKS: JSON.stringify({ slack: [other, SLACK] }) });
  assert.equal(reordered.webhooks.find((w) => w.url === SLACK)?.id, config.webhooks.find((w) => w.url === SLACK)?.id);
});

test('patterns: *, group.* and exact events', () => {
  assert.ok(matchesEvent('*', 'digest.daily'));
  assert.ok(matchesEvent('import.*', 'import.partial'));
  assert.ok(!matchesEvent('import.*', 'alert.worker_down'));
  assert.ok(matchesEvent('alert.watcher_down', 'alert.watcher_down'));
  assert.ok(!matchesEvent('alert.watcher_down', 'alert.watcher_up'));
});

test('the emails may also be a JSON array, as in the original settings', () => {
  const config = parseNotificationConfig({ ...base, ADMIN_NOTIFICATION_EMAILS: '["admin@example.com"]' });
  assert.deepEqual(config.email?.to, ['admin@example.com']);
  assert.equal(parseNotificationConfig({ ...base, EMAIL_NOTIFICATIONS_ENABLED: 'false' }).email, null);
});

test('bad JSON names the variable and hints at quotes', () => {
  const message = refusal({ NOTIFICATION_WEBHOOKS: "{'slack': 'https://hooks.slack.com/services/x'}" });
  assert.match(message, /NOTIFICATION_WEBHOOKS: not valid JSON \(JSON wants double quotes\)/);
  assert.match(refusal({ NOTIFICATION_ROUTES: '{"slack": [' }), /NOTIFICATION_ROUTES: not valid JSON/);
});

test('non-https and foreign hosts are refused at start-up, naming the variable, without the secret', () => {
  const message = refusal({
    NOTIFICATION_WEBHOOKS: JSON.stringify({
      slack: 'http://hooks.slack.com/services/T/B/SECRET1',
      discord: 'https://discord.evil.example/api/webhooks/1/SECRET2',
      teams: ['https://x.webhook.office.com/webhookb2/ok', 'https://example.com/SECRET3'],
    }),
  });
  assert.match(message, /NOTIFICATION_WEBHOOKS\.slack: .*only https is accepted/);
  assert.match(message, /NOTIFICATION_WEBHOOKS\.discord: .*discord\.evil\.example is not a discord webhook host/);
  assert.match(message, /NOTIFICATION_WEBHOOKS\.teams\[1\]: .*example\.com is not a teams webhook host/);
  assert.doesNotMatch(message, /SECRET/);
});

test('unknown keys, unknown events, bad addresses and a missing SMTP_URL are reported', () => {
  assert.match(refusal({ NOTIFICATION_WEBHOOKS: JSON.stringify({ mattermost: 'https://x' }) }), /NOTIFICATION_WEBHOOKS: unknown key "mattermost"/);
  assert.match(refusal({ NOTIFICATION_ROUTES: JSON.stringify({ slack: ['import.fail'] }) }), /NOTIFICATION_ROUTES\.slack\[0\]: unknown event "import\.fail"/);
  assert.match(refusal({ ...base, ADMIN_NOTIFICATION_EMAILS: 'admin@example.com, nope' }), /ADMIN_NOTIFICATION_EMAILS\[1\]: "nope" is not an email address/);
  assert.match(refusal({ ADMIN_NOTIFICATION_EMAILS: 'admin@example.com' }), /SMTP_URL: required/);
  assert.match(refusal({ ...base, SMTP_URL: 'http://mail.example.com' }), /SMTP_URL: an smtp:\/\/ or smtps:\/\/ URL/);
  assert.match(refusal({ NOTIFICATION_TIMEOUT: '5m' }), /NOTIFICATION_TIMEOUT/);
  assert.match(refusal({ NOTIFICATION_TIMEOUT: '120s' }), /NOTIFICATION_TIMEOUT: at most 60s/);
});

test('an allowed loopback host may use http when WEBHOOK_ALLOW_INSECURE is set', () => {
  const env = { NOTIFICATION_WEBHOOKS: JSON.stringify({ slack: 'http://127.0.0.1:9999/services/x' }), WEBHOOK_ALLOW_HOSTS: '127.0.0.1:9999' };
  assert.match(refusal(env), /only https is accepted/);
  const config = parseNotificationConfig({ ...env, WEBHOOK_ALLOW_INSECURE: 'true', NOTIFICATION_TIMEOUT: '2500ms' });
  assert.deepEqual(config.policy, { allowHosts: ['127.0.0.1:9999'], allowInsecureForAllowed: true });
  assert.equal(config.timeoutMs, 2500);
  assert.equal(channelsFor('import.failed', config).length, 1);
});

// The senders against real protocol peers on loopback: an SMTP server and an HTTP server, both started by
// this file. No other service is needed, and nothing leaves 127.0.0.1 (refused URLs are never connected to).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSilentPeer } from '../support/silent-peer';
import { createMailer, MailSendError, renderEmail } from '../../src/notify/email';
import { buildWebhookPayload, sendWebhook, type WebhookKind } from '../../src/notify/webhooks';
import { pinnedRequest, resolvePublicTarget, WebhookUrlRefused, type LookupAll, type UrlPolicy } from '../../src/notify/url-policy';
import type { Notice } from '../../src/notify/messages';
import { startSmtpPeer, type SmtpPeer } from '../support/smtp-peer';
import { startWebhookPeer, type WebhookPeer } from '../support/webhook-peer';
import type { NoticeLocale } from '../../src/notify/format';

/** These tests read the English wording; French is asserted where it says so. */
const EN: NoticeLocale = { language: 'en', timeZone: 'UTC' };

const notice: Notice = {
  type: 'import',
  importId: 'imp-42',
  workflowId: 'import-4242',
  fileName: '<script>.csv',
  source: 'upload',
  startedBy: 'alice@example.com',
  status: 'succeeded_with_errors',
  counts: { rows: 17, created: 12, updated: 3, unchanged: 0, skipped: 0, failed: 2 },
  durationMs: 3100,
  errors: [
    { row: 3, field: 'price', message: 'must be a number' },
    { row: 9, field: 'title', message: 'required' },
  ],
  error: null,
  adminUrl: 'http://127.0.0.1:3000/admin/imports/imp-42',
  temporalUrl: 'http://127.0.0.1:8233/namespaces/default/workflows/import-4242',
};

describe('email over SMTP', () => {
  let peer: SmtpPeer;
  before(async () => {
    peer = await startSmtpPeer({ auth: { user: 'notify', pass: 's3cr:et' } });
  });
  after(() => peer.close());

  test('an email arrives with the subject, text and escaped HTML, and a stable Message-ID', async () => {
    const mailer = createMailer(peer.url, { from: 'Course import <imports@example.com>', timeoutMs: 5000 });
    try {
      const rendered = renderEmail(notice, EN);
      const sent = await mailer.send(['admin@example.com', 'ops@example.com'], rendered, { idempotencyKey: 'imp-42:email' });
      const [mail] = await peer.waitFor(1);
      assert.ok(mail);
      assert.equal(mail.subject, '⚠️ Import finished with 2 row errors: <script>.csv (12 created, 3 updated)');
      assert.equal(mail.from, 'imports@example.com');
      assert.deepEqual(mail.to, ['admin@example.com', 'ops@example.com']);
      assert.equal(mail.user, 'notify');
      assert.match(mail.text, /File:\s+<script>\.csv/);
      assert.match(mail.text, /row 3, price: must be a number/);
      assert.match(mail.html, /&lt;script&gt;\.csv/);
      assert.ok(!mail.html.includes('<script>'));
      assert.equal(mail.headers['x-idempotency-key'], 'imp-42:email');
      assert.equal(mail.headers['auto-submitted'], 'auto-generated');
      assert.equal(mail.messageId, '<imp-42:email@example.com>'.replace(':', '_'));
      assert.equal(sent.messageId, mail.messageId);
    } finally {
      mailer.close();
    }
  });

  test('a 5xx refusal is final, a 4xx one is retryable', async () => {
    const mailer = createMailer(peer.url, { from: 'imports@example.com', timeoutMs: 5000 });
    try {
      peer.refuseNext(550, 'Mailbox unavailable');
      const permanent = await mailer.send(['admin@example.com'], renderEmail(notice, EN)).catch((e: unknown) => e);
      assert.ok(permanent instanceof MailSendError);
      assert.equal(permanent.retryable, false);
      assert.equal(permanent.responseCode, 550);

      peer.refuseNext(451, 'Try again later');
      const transient = await mailer.send(['admin@example.com'], renderEmail(notice, EN)).catch((e: unknown) => e);
      assert.ok(transient instanceof MailSendError);
      assert.equal(transient.retryable, true);
    } finally {
      mailer.close();
    }
  });

  test('wrong credentials are reported, and retryable (an operator fixes them, the import waits)', async () => {
    const mailer = createMailer(`smtp://notify:wrong@127.0.0.1:${peer.port}`, { from: 'imports@example.com', timeoutMs: 5000 });
    try {
      const err = await mailer.send(['admin@example.com'], renderEmail(notice, EN)).catch((e: unknown) => e);
      assert.ok(err instanceof MailSendError);
      assert.equal(err.code, 'EAUTH');
      assert.equal(err.retryable, true);
    } finally {
      mailer.close();
    }
  });
});

test('STARTTLS is used when the server offers it', async () => {
  const peer = await startSmtpPeer({ starttls: true });
  const mailer = createMailer(peer.url, { from: 'imports@example.com', timeoutMs: 5000 });
  try {
    await mailer.send(['admin@example.com'], renderEmail(notice, EN));
    const [mail] = await peer.waitFor(1);
    assert.equal(mail?.secure, true);
  } finally {
    mailer.close();
    await peer.close();
  }
});

test('an SMTP server that never greets times out within the timeout, retryable', async () => {
  // Accepts and says nothing: nodemailer waits for a greeting that never comes.
  const silent = await startSilentPeer();
  const { port } = silent;
  const mailer = createMailer(`smtp://127.0.0.1:${port}`, { from: 'imports@example.com', timeoutMs: 400 });
  const started = Date.now();
  try {
    const err = await mailer.send(['admin@example.com'], renderEmail(notice, EN)).catch((e: unknown) => e);
    const elapsed = Date.now() - started;
    assert.ok(err instanceof MailSendError, String(err));
    assert.equal(err.retryable, true);
    assert.ok(elapsed < 400 + 300, `took ${elapsed} ms`);
  } finally {
    mailer.close();
    await silent.close();
  }
});

describe('webhooks over HTTP', () => {
  let peer: WebhookPeer;
  let policy: UrlPolicy;
  before(async () => {
    peer = await startWebhookPeer();
    policy = { allowHosts: [`127.0.0.1:${peer.port}`], allowInsecureForAllowed: true };
  });
  after(() => peer.close());

  const opts = (timeoutMs = 5000) => ({ timeoutMs, idempotencyKey: 'imp-42:hook', policy });

  for (const kind of ['slack', 'discord', 'teams'] as WebhookKind[]) {
    test(`a ${kind} payload arrives as JSON with an Idempotency-Key`, async () => {
      const path = `/ok/${kind}`;
      const payload = buildWebhookPayload(kind, notice, EN);
      const before = peer.requests.length;
      const result = await sendWebhook({ kind, url: peer.url(path) }, payload, opts());
      assert.deepEqual(result, { ok: true, status: 200 });
      const req = peer.requests[before];
      assert.ok(req);
      assert.equal(req.method, 'POST');
      assert.equal(req.path, path);
      assert.match(String(req.headers['content-type']), /^application\/json/);
      assert.equal(req.headers['idempotency-key'], 'imp-42:hook');
      assert.deepEqual(req.json, JSON.parse(JSON.stringify(payload)));
    });
  }

  test('429 is retryable with the Retry-After value; the next call goes through', async () => {
    peer.script('/limited', [{ status: 429, headers: { 'retry-after': '7' }, body: { message: 'You are being rate limited.', retry_after: 7 } }]);
    const target = { kind: 'discord' as const, url: peer.url('/limited') };
    const first = await sendWebhook(target, buildWebhookPayload('discord', notice, EN), opts());
    assert.equal(first.ok, false);
    assert.ok(!first.ok);
    assert.equal(first.status, 429);
    assert.equal(first.retryable, true);
    assert.equal(first.retryAfterMs, 7000);
    assert.match(first.message, /rate limited/);
    assert.deepEqual(await sendWebhook(target, buildWebhookPayload('discord', notice, EN), opts()), { ok: true, status: 200 });
  });

  test('400 is not retryable; 500 is', async () => {
    peer.script('/bad', [{ status: 400, body: 'invalid_payload' }]);
    const bad = await sendWebhook({ kind: 'slack', url: peer.url('/bad') }, {}, opts());
    assert.ok(!bad.ok);
    assert.equal(bad.status, 400);
    assert.equal(bad.retryable, false);
    assert.match(bad.message, /invalid_payload/);

    peer.script('/down', [{ status: 500, body: 'oops' }]);
    const down = await sendWebhook({ kind: 'slack', url: peer.url('/down') }, {}, opts());
    assert.ok(!down.ok);
    assert.equal(down.status, 500);
    assert.equal(down.retryable, true);
  });

  test('a slow receiver times out within the timeout, retryable', async () => {
    peer.script('/slow', [{ status: 200, delayMs: 3000 }]);
    const started = Date.now();
    const result = await sendWebhook({ kind: 'teams', url: peer.url('/slow') }, {}, opts(300));
    const elapsed = Date.now() - started;
    assert.ok(!result.ok);
    assert.equal(result.status, null);
    assert.equal(result.retryable, true);
    assert.match(result.message, /timed out after 300 ms/);
    assert.ok(elapsed < 300 + 200, `took ${elapsed} ms`);
  });

  test('a redirect to a private address is refused without being followed', async () => {
    peer.script('/to-private', [{ status: 307, headers: { location: 'http://10.0.0.1/steal' } }]);
    const before = peer.requests.length;
    const result = await sendWebhook({ kind: 'slack', url: peer.url('/to-private') }, {}, opts());
    assert.ok(!result.ok);
    assert.equal(result.retryable, false);
    assert.match(result.message, /webhook URL refused \(http:\/\/10\.0\.0\.1\/…\)/);
    assert.equal(peer.requests.length, before + 1);
  });

  test('a redirect to a host that is not allowed is refused', async () => {
    peer.script('/to-elsewhere', [{ status: 302, headers: { location: 'https://example.com/hook' } }]);
    const result = await sendWebhook({ kind: 'slack', url: peer.url('/to-elsewhere') }, {}, opts());
    assert.ok(!result.ok);
    assert.equal(result.retryable, false);
    assert.match(result.message, /example\.com is not a slack webhook host/);
  });

  test('an allowed redirect is followed with the same POST; more than 3 are refused', async () => {
    peer.script('/moved', [{ status: 308, headers: { location: '/moved-here' } }]);
    const before = peer.requests.length;
    const moved = await sendWebhook({ kind: 'slack', url: peer.url('/moved') }, { text: 'hi' }, opts());
    assert.deepEqual(moved, { ok: true, status: 200 });
    const [first, second] = peer.requests.slice(before);
    assert.equal(second?.path, '/moved-here');
    assert.equal(second?.method, 'POST');
    assert.equal(second?.body, first?.body);

    peer.script('/loop', Array.from({ length: 5 }, () => ({ status: 302, headers: { location: '/loop' } })));
    const loop = await sendWebhook({ kind: 'slack', url: peer.url('/loop') }, {}, opts());
    assert.ok(!loop.ok);
    assert.equal(loop.retryable, false);
    assert.match(loop.message, /more than 3 times/);
  });

  // DNS rebinding: the name answers a permitted address to the check and another one afterwards. The
  // request must go to the address that was checked. `rebind.invalid` cannot resolve through the system's
  // DNS (RFC 6761), so the receiver is reached only through the pinned address.
  const rebinding = (first: string, then: string) => {
    const calls: string[] = [];
    const lookup: LookupAll = async (hostname) => {
      calls.push(hostname);
      return [{ address: calls.length === 1 ? first : then, family: 4 }];
    };
    return { lookup, calls };
  };

  test('the webhook connects to the address it checked, and resolves the name once', async () => {
    const { lookup, calls } = rebinding('127.0.0.1', '127.0.0.2');
    const allow: UrlPolicy = { allowHosts: [`rebind.invalid:${peer.port}`], allowInsecureForAllowed: true };
    const before = peer.requests.length;
    const result = await sendWebhook(
      { kind: 'slack', url: `http://rebind.invalid:${peer.port}/pinned` },
      { text: 'pinned' },
      { timeoutMs: 5000, idempotencyKey: 'k', policy: allow, lookup },
    );
    assert.deepEqual(result, { ok: true, status: 200 });
    assert.equal(peer.requests[before]?.path, '/pinned');
    assert.equal(peer.requests[before]?.headers.host, `rebind.invalid:${peer.port}`);
    assert.deepEqual(calls, ['rebind.invalid']);
  });

  test('pinnedRequest: a checked public-URL request reaches the checked address; a private answer is refused unconnected', async () => {
    const { lookup, calls } = rebinding('127.0.0.1', '127.0.0.2');
    // The loopback address itself is allowed (as an operator would allow an internal proxy), not the name.
    const allowAddress: UrlPolicy = { allowHosts: ['127.0.0.1'], allowInsecureForAllowed: false };
    await assert.rejects(resolvePublicTarget(`http://rebind.invalid:${peer.port}/x`, allowAddress, lookup), /only https/);
    const target = await resolvePublicTarget(`https://rebind.invalid:${peer.port}/x`, allowAddress, lookup);
    assert.deepEqual(target.address, { address: '127.0.0.1', family: 4 });
    // Sent over plain http to the same pinned address (the peer speaks http): the target is used as checked.
    const before = peer.requests.length;
    const res = await pinnedRequest({ ...target, url: new URL(`http://rebind.invalid:${peer.port}/public`) }, { method: 'GET' });
    res.body.resume();
    assert.equal(res.status, 200);
    assert.equal(peer.requests[before]?.path, '/public');
    assert.equal(calls.length, 1);

    const refused = rebinding('127.0.0.2', '127.0.0.1');
    const err = await resolvePublicTarget(`https://rebind.invalid:${peer.port}/x`, allowAddress, refused.lookup).catch((e: unknown) => e);
    assert.ok(err instanceof WebhookUrlRefused);
    assert.match(err.reason, /resolves to 127\.0\.0\.2, a loopback address/);
  });

  test('a refused receiver (nothing listening) is retryable', async () => {
    const closed = await startWebhookPeer();
    const url = closed.url('/gone');
    const allow = { allowHosts: [`127.0.0.1:${closed.port}`], allowInsecureForAllowed: true };
    await closed.close();
    const result = await sendWebhook({ kind: 'slack', url }, {}, { timeoutMs: 2000, idempotencyKey: 'k', policy: allow });
    assert.ok(!result.ok);
    assert.equal(result.status, null);
    assert.equal(result.retryable, true);
    assert.match(result.message, /ECONNREFUSED/);
  });
});

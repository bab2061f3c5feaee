// No test here connects anywhere: literal addresses are judged without DNS, names through an injected
// lookup, and the one real lookup is of `localhost`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  addressProblem,
  checkResolvedHost,
  checkWebhookUrl,
  resolveWebhookTarget,
  STRICT_POLICY,
  WebhookUrlRefused,
  webhookUrlProblem,
  type LookupAll,
  type UrlPolicy,
} from '../../src/notify/url-policy';

const publicDns: LookupAll = async () => [{ address: '34.120.0.10', family: 4 }];
const dnsTo =
  (...addresses: string[]): LookupAll =>
  async () =>
    addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

async function refusedReason(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof WebhookUrlRefused, String(err));
    return err.reason;
  }
  assert.fail('expected WebhookUrlRefused');
}

test('the platforms’ own hosts pass', async () => {
  const ok: [string, 'slack' | 'discord' | 'teams'][] = [
    ['https://hooks.slack.com/services/T0/B0/x', 'slack'],
    ['https://discord.com/api/webhooks/1/t', 'discord'],
    ['https://discordapp.com/api/webhooks/1/t', 'discord'],
    ['https://canary.discord.com/api/v10/webhooks/1/t', 'discord'],
    ['https://ptb.discord.com/api/webhooks/1/t', 'discord'],
    ['https://contoso.webhook.office.com/webhookb2/abc', 'teams'],
    ['https://prod-12.westeurope.logic.azure.com:443/workflows/abc/triggers/manual/paths/invoke?sig=x', 'teams'],
    ['https://default123.ab.environment.api.powerplatform.com:443/powerautomate/automations/direct/workflows/x', 'teams'],
  ];
  for (const [url, kind] of ok) {
    assert.equal(webhookUrlProblem(url, kind, STRICT_POLICY), null, url);
    await checkWebhookUrl(url, kind, STRICT_POLICY, publicDns);
  }
});

test('https only', async () => {
  assert.equal(await refusedReason(checkWebhookUrl('http://hooks.slack.com/services/x', 'slack', STRICT_POLICY, publicDns)), 'only https is accepted');
  assert.match(await refusedReason(checkWebhookUrl('ftp://hooks.slack.com/services/x', 'slack', STRICT_POLICY, publicDns)), /ftp: scheme/);
});

test('wrong hosts, look-alikes, wrong paths and ports are refused', async () => {
  const cases: [string, 'slack' | 'discord' | 'teams', RegExp][] = [
    ['https://hooks.slack.com.evil.example/services/x', 'slack', /not a slack webhook host/],
    ['https://evilhooks.slack.com/services/x', 'slack', /not a slack webhook host/],
    ['https://discord.com/api/webhooks/1/t', 'slack', /not a slack webhook host/],
    ['https://discord.com/channels/1/2', 'discord', /path is not a discord webhook path/],
    ['https://webhook.office.com/x', 'teams', /not a teams webhook host/],
    ['https://x.webhook.office.com.evil.example/x', 'teams', /not a teams webhook host/],
    ['https://hooks.slack.com:8443/services/x', 'slack', /port 8443/],
    ['https://user:pass@hooks.slack.com/services/x', 'slack', /credentials/],
  ];
  for (const [url, kind, reason] of cases) assert.match(await refusedReason(checkWebhookUrl(url, kind, STRICT_POLICY, publicDns)), reason, url);
});

test('literal private, loopback, link-local and IPv4-mapped addresses are refused', async () => {
  const cases: [string, RegExp][] = [
    ['https://127.0.0.1/services/x', /loopback/],
    ['https://10.1.2.3/services/x', /private/],
    ['https://172.16.0.1/services/x', /private/],
    ['https://192.168.1.1/services/x', /private/],
    ['https://169.254.169.254/latest/meta-data', /link-local/],
    ['https://100.64.0.1/x', /CGNAT/],
    ['https://0.0.0.0/x', /unspecified/],
    ['https://[::1]/x', /loopback/],
    ['https://[fe80::1]/x', /link-local/],
    ['https://[fd00::1]/x', /private/],
    ['https://[::ffff:127.0.0.1]/x', /loopback/],
    ['https://[::ffff:a9fe:a9fe]/x', /link-local/],
    ['https://2130706433/x', /loopback/], // 127.0.0.1 spelled as one number
    ['https://0x7f.1/x', /loopback/],
  ];
  for (const [url, reason] of cases) assert.match(await refusedReason(checkWebhookUrl(url, 'slack', STRICT_POLICY, publicDns)), reason, url);
});

test('a platform name resolving to a private address is refused (every address counts)', async () => {
  assert.match(await refusedReason(checkWebhookUrl('https://hooks.slack.com/services/x', 'slack', STRICT_POLICY, dnsTo('10.0.0.7'))), /resolves to 10\.0\.0\.7, a private address/);
  assert.match(
    await refusedReason(checkWebhookUrl('https://hooks.slack.com/services/x', 'slack', STRICT_POLICY, dnsTo('34.120.0.10', '::ffff:192.168.0.1'))),
    /resolves to ::ffff:192\.168\.0\.1/,
  );
  assert.match(
    await refusedReason(checkWebhookUrl('https://discord.com/api/webhooks/1/t', 'discord', STRICT_POLICY, async () => Promise.reject(Object.assign(new Error('x'), { code: 'ENOTFOUND' })))),
    /cannot resolve discord\.com \(ENOTFOUND\)/,
  );
});

test('localhost resolves to loopback and is refused', async () => {
  assert.match(await refusedReason(checkResolvedHost('localhost', STRICT_POLICY)), /localhost resolves to (127\.0\.0\.1|::1), a loopback address/);
});

test('allowHosts: an allowed loopback host may use http and any address; others stay refused', async () => {
  const policy: UrlPolicy = { allowHosts: ['127.0.0.1:8080', 'localhost'], allowInsecureForAllowed: true };
  await checkWebhookUrl('http://127.0.0.1:8080/services/x', 'slack', policy);
  await checkWebhookUrl('https://127.0.0.1:8080/anything', 'discord', policy);
  await checkWebhookUrl('http://localhost:4000/hook', 'teams', policy);
  assert.match(await refusedReason(checkWebhookUrl('http://127.0.0.1:8081/services/x', 'slack', policy)), /only https/);
  assert.match(await refusedReason(checkWebhookUrl('https://127.0.0.1:8081/services/x', 'slack', policy)), /loopback/);
  const secure: UrlPolicy = { allowHosts: ['127.0.0.1:8080'], allowInsecureForAllowed: false };
  assert.match(await refusedReason(checkWebhookUrl('http://127.0.0.1:8080/services/x', 'slack', secure)), /only https/);
  await checkWebhookUrl('https://127.0.0.1:8080/services/x', 'slack', secure);
});

test('allowHosts: an allowed address lets a platform host resolve to it (an internal proxy)', async () => {
  const policy: UrlPolicy = { allowHosts: ['10.0.0.7'], allowInsecureForAllowed: false };
  await checkWebhookUrl('https://hooks.slack.com/services/x', 'slack', policy, dnsTo('10.0.0.7'));
  assert.match(await refusedReason(checkWebhookUrl('https://hooks.slack.com/services/x', 'slack', policy, dnsTo('10.0.0.8'))), /10\.0\.0\.8/);
  const v6: UrlPolicy = { allowHosts: ['[fd00::7]'], allowInsecureForAllowed: false };
  await checkWebhookUrl('https://hooks.slack.com/services/x', 'slack', v6, dnsTo('fd00::7'));
});

test('addressProblem: public addresses pass', () => {
  assert.equal(addressProblem('34.120.0.10'), null);
  assert.equal(addressProblem('2a00:1450:4007:80e::200e'), null);
  assert.equal(addressProblem('::ffff:8.8.8.8'), null);
  assert.equal(addressProblem('224.0.0.1'), 'a multicast address');
  assert.equal(addressProblem('ff02::1'), 'a multicast address');
  assert.equal(addressProblem('not-an-ip'), 'not an IP address');
});

test('a refusal names the URL without its secret path', async () => {
  try {
    await checkWebhookUrl('http://hooks.slack.com/services/T0/B0/SECRET', 'slack', STRICT_POLICY, publicDns);
    assert.fail('expected a refusal');
  } catch (err) {
    assert.ok(err instanceof WebhookUrlRefused);
    assert.equal(err.url, 'http://hooks.slack.com/…');
    assert.doesNotMatch(err.message, /SECRET/);
  }
});

test('IPv6 transition forms embedding a private or loopback IPv4 address are refused', () => {
  const refused: [string, RegExp][] = [
    ['64:ff9b::7f00:1', /NAT64 address embedding 127\.0\.0\.1, a loopback/],
    ['64:ff9b::10.0.0.1', /NAT64 address embedding 10\.0\.0\.1, a private/],
    ['64:ff9b:1::a9fe:a9fe', /local-use NAT64/],
    ['2002:c0a8:0101::1', /6to4 address embedding 192\.168\.1\.1, a private/],
    ['2002:7f00:1::', /6to4 address embedding 127\.0\.0\.1/],
    ['::ffff:127.0.0.1', /loopback/],
    ['::ffff:0:10.1.2.3', /IPv4-translated address embedding 10\.1\.2\.3, a private/],
    ['::ffff:0:a9fe:a9fe', /embedding 169\.254\.169\.254, a link-local/],
    ['::127.0.0.1', /IPv4-compatible/],
    // Teredo: the client address is stored inverted (RFC 4380): 3f57:fefe is 192.168.1.1; then a private server.
    ['2001:0:4136:e378:8000:63bf:3f57:fefe', /Teredo address embedding 192\.168\.1\.1, a private/],
    ['2001:0:a00:1::f7f7:f7f7', /Teredo address embedding 10\.0\.0\.1/],
  ];
  for (const [address, reason] of refused) assert.match(addressProblem(address) ?? 'accepted', reason, address);
  // The same forms around a public IPv4 address are public.
  assert.equal(addressProblem('64:ff9b::808:808'), null);
  assert.equal(addressProblem('2002:0808:0808::1'), null);
  assert.equal(addressProblem('2001:0:4136:e378:8000:63bf:f7f7:f7f7'), null);
});

test('a platform name resolving to a NAT64 or 6to4 form of a private address is refused', async () => {
  assert.match(await refusedReason(checkWebhookUrl('https://hooks.slack.com/services/x', 'slack', STRICT_POLICY, dnsTo('64:ff9b::a00:7'))), /NAT64 address embedding 10\.0\.0\.7/);
  assert.match(await refusedReason(checkWebhookUrl('https://[2002:a00:1::1]/services/x', 'slack', STRICT_POLICY, publicDns)), /6to4 address embedding 10\.0\.0\.1/);
});

test('resolveWebhookTarget resolves once and returns the checked address to connect to', async () => {
  let calls = 0;
  const rebinding: LookupAll = async () => (++calls === 1 ? [{ address: '34.120.0.10', family: 4 }] : [{ address: '127.0.0.1', family: 4 }]);
  const target = await resolveWebhookTarget('https://hooks.slack.com/services/x', 'slack', STRICT_POLICY, rebinding);
  assert.deepEqual(target.address, { address: '34.120.0.10', family: 4 });
  assert.equal(calls, 1);
});

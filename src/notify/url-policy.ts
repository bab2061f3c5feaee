// SSRF guard for outgoing requests (webhooks today, "import from URL" later). A webhook URL comes from
// configuration, but a redirect's Location comes from whoever answers, so every hop is checked: https only,
// on the platform's own hosts, and resolving to public addresses. The operator can make exceptions per host
// (how tests reach a loopback receiver, and how a company routes webhooks through an internal proxy).
//
// The address is pinned: a name is resolved once, every address it resolves to is checked, and the
// connection goes to the checked address (`http.request`'s `lookup` option answers with it), so a DNS
// answer that changes between the check and the connection (DNS rebinding) cannot redirect the request.
// `pinnedRequest` is the one way this code base sends a request to a URL it did not write itself.
import { lookup as dnsLookup } from 'node:dns/promises';
import type { LookupAddress, LookupOptions } from 'node:dns';
import { request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';

export const WEBHOOK_KINDS = ['slack', 'discord', 'teams'] as const;
export type WebhookKind = (typeof WEBHOOK_KINDS)[number];

export interface UrlPolicy {
  /** Hosts (`name`, `name:port`, `1.2.3.4`, `[::1]:8080`) or addresses exempt from the host and address rules. */
  allowHosts: string[];
  /** Whether an allowed host may also be reached over plain http. */
  allowInsecureForAllowed: boolean;
}

export const STRICT_POLICY: UrlPolicy = { allowHosts: [], allowInsecureForAllowed: false };

export class WebhookUrlRefused extends Error {
  override readonly name = 'WebhookUrlRefused';
  constructor(
    /** The URL without its secret part (webhook URLs carry their credentials in the path). */
    readonly url: string,
    readonly reason: string,
  ) {
    super(`webhook URL refused (${url}): ${reason}`);
  }
}

interface PlatformRule {
  exact: string[];
  suffixes: string[];
  path: RegExp | null;
  example: string;
}

const PLATFORMS: Record<WebhookKind, PlatformRule> = {
  slack: { exact: ['hooks.slack.com'], suffixes: [], path: /^\/services\//, example: 'https://hooks.slack.com/services/…' },
  discord: {
    exact: ['discord.com', 'discordapp.com', 'canary.discord.com', 'ptb.discord.com'],
    suffixes: [],
    path: /^\/api\/(v\d+\/)?webhooks\//,
    example: 'https://discord.com/api/webhooks/…',
  },
  // Teams has no single host: the retired connectors lived on <tenant>.webhook.office.com, Workflows
  // (Power Automate) webhooks live on logic.azure.com and the Power Platform environment hosts.
  teams: {
    exact: [],
    suffixes: ['.webhook.office.com', '.logic.azure.com', '.powerplatform.com', '.environment.api.powerplatform.com'],
    path: null,
    example: 'https://<tenant>.webhook.office.com/… or a Workflows URL on *.logic.azure.com / *.powerplatform.com',
  },
};

// Not reachable as a public webhook receiver. IPv6 forms that embed an IPv4 address are also matched
// against the IPv4 rules (addressProblem).
const FORBIDDEN: [string, number, 'ipv4' | 'ipv6', string][] = [
  ['0.0.0.0', 8, 'ipv4', 'an unspecified address'],
  ['10.0.0.0', 8, 'ipv4', 'a private address'],
  ['100.64.0.0', 10, 'ipv4', 'a shared (CGNAT) address'],
  ['127.0.0.0', 8, 'ipv4', 'a loopback address'],
  ['169.254.0.0', 16, 'ipv4', 'a link-local address'],
  ['172.16.0.0', 12, 'ipv4', 'a private address'],
  ['192.0.0.0', 24, 'ipv4', 'a special-purpose address'],
  ['192.168.0.0', 16, 'ipv4', 'a private address'],
  ['198.18.0.0', 15, 'ipv4', 'a benchmarking address'],
  ['224.0.0.0', 4, 'ipv4', 'a multicast address'],
  ['240.0.0.0', 4, 'ipv4', 'a reserved address'],
  ['::', 128, 'ipv6', 'an unspecified address'],
  ['::1', 128, 'ipv6', 'a loopback address'],
  // IPv4-compatible addresses (deprecated) would smuggle an IPv4 address past the IPv4 rules.
  ['::', 96, 'ipv6', 'an IPv4-compatible address'],
  // Local-use NAT64 (RFC 8215): translated inside the local network only, never a public receiver.
  ['64:ff9b:1::', 48, 'ipv6', 'a local-use NAT64 address'],
  ['fc00::', 7, 'ipv6', 'a private (unique local) address'],
  ['fe80::', 10, 'ipv6', 'a link-local address'],
  ['fec0::', 10, 'ipv6', 'a site-local address'],
  ['ff00::', 8, 'ipv6', 'a multicast address'],
];

const blockLists = FORBIDDEN.map(([net, prefix, family, reason]) => {
  const list = new BlockList();
  list.addSubnet(net, prefix, family);
  return { list, reason };
});

/** The eight 16-bit groups of a valid IPv6 address (zone id dropped, a trailing dotted quad folded in). */
function ipv6Groups(address: string): number[] | null {
  let a = address.toLowerCase().replace(/%.*$/, '');
  const quad = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  if (quad) {
    const [, head = '', v4 = ''] = quad;
    if (isIP(v4) !== 4) return null;
    const b = v4.split('.').map(Number) as [number, number, number, number];
    a = `${head}${((b[0] << 8) | b[1]).toString(16)}:${((b[2] << 8) | b[3]).toString(16)}`;
  }
  const halves = a.split('::');
  if (halves.length > 2) return null;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  if (!groups.every((g) => /^[0-9a-f]{1,4}$/.test(g))) return null;
  return groups.map((g) => parseInt(g, 16));
}

function ipv4Of(high: number, low: number): string {
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
}

/**
 * The IPv4 addresses an IPv6 transition form carries, with the form's name: a packet to such an address
 * reaches (or is translated to) that IPv4 host, so the IPv4 rules apply to it. Forms: IPv4-mapped
 * `::ffff:a.b.c.d` and IPv4-translated `::ffff:0:a.b.c.d` (RFC 4291, RFC 2765), NAT64 `64:ff9b::/96`
 * (RFC 6052), 6to4 `2002::/16` (RFC 3056), Teredo `2001::/32` (RFC 4380: server address, and the client
 * address stored inverted). IPv4-compatible `::a.b.c.d` and local-use NAT64 `64:ff9b:1::/48` are refused
 * as a whole by the FORBIDDEN list.
 */
export function embeddedIPv4(address: string): { form: string; ipv4: string[] } | null {
  const g = ipv6Groups(address);
  if (!g) return null;
  const [g0, g1, g2, g3, g4, g5, g6, g7] = g as [number, number, number, number, number, number, number, number];
  const zeros = (...xs: number[]) => xs.every((x) => x === 0);
  if (zeros(g0, g1, g2, g3, g4) && g5 === 0xffff) return { form: 'an IPv4-mapped address', ipv4: [ipv4Of(g6, g7)] };
  if (zeros(g0, g1, g2, g3) && g4 === 0xffff && g5 === 0) return { form: 'an IPv4-translated address', ipv4: [ipv4Of(g6, g7)] };
  if (g0 === 0x64 && g1 === 0xff9b && zeros(g2, g3, g4, g5)) return { form: 'a NAT64 address', ipv4: [ipv4Of(g6, g7)] };
  if (g0 === 0x2002) return { form: 'a 6to4 address', ipv4: [ipv4Of(g1, g2)] };
  if (g0 === 0x2001 && g1 === 0) return { form: 'a Teredo address', ipv4: [ipv4Of(g6 ^ 0xffff, g7 ^ 0xffff), ipv4Of(g2, g3)] };
  return null;
}

function listedProblem(address: string, type: 'ipv4' | 'ipv6'): string | null {
  for (const { list, reason } of blockLists) {
    if (list.check(address, type)) return reason;
  }
  return null;
}

/**
 * Why an address may not receive a request, or null when it is a public unicast address. The rules are
 * the special-purpose registries of IANA (RFC 6890) for what is not globally reachable, applied also to the
 * IPv4 address an IPv6 transition form embeds (see embeddedIPv4).
 */
export function addressProblem(address: string): string | null {
  const family = isIP(address);
  if (family === 0) return 'not an IP address';
  if (family === 4) return listedProblem(address, 'ipv4');
  const embedded = embeddedIPv4(address);
  if (embedded) {
    for (const v4 of embedded.ipv4) {
      const problem = listedProblem(v4, 'ipv4');
      if (problem) return `${embedded.form} embedding ${v4}, ${problem}`;
    }
  }
  return listedProblem(address, 'ipv6');
}

/** `https://hooks.slack.com/…`: enough to recognise the URL in a log; the path (the secret) is left out. */
export function redactUrl(url: string | URL): string {
  try {
    const u = typeof url === 'string' ? new URL(url) : url;
    return `${u.protocol}//${u.host}/…`;
  } catch {
    return '(not a URL)';
  }
}

/** Host names compare without case and without the root dot; IPv6 literals without brackets. */
function normalHost(hostname: string): string {
  return hostname.toLowerCase().replace(/\.$/, '').replace(/^\[(.*)\]$/, '$1');
}

interface AllowEntry {
  host: string;
  port: string | null;
}

function parseAllowEntry(entry: string): AllowEntry | null {
  const trimmed = entry.trim();
  if (!trimmed) return null;
  if (isIP(trimmed) === 6) return { host: normalHost(trimmed), port: null };
  try {
    const u = new URL(`http://${trimmed}`);
    // `new URL` drops a port equal to http's default; an explicit ":80" must still mean port 80 only.
    const port = u.port || (/:80$/.test(trimmed) ? '80' : null);
    return { host: normalHost(u.hostname), port };
  } catch {
    return null;
  }
}

function effectivePort(u: URL): string {
  return u.port || (u.protocol === 'https:' ? '443' : '80');
}

function allowedByEntry(host: string, port: string, policy: UrlPolicy): boolean {
  return policy.allowHosts.some((raw) => {
    const e = parseAllowEntry(raw);
    return e !== null && e.host === host && (e.port === null || e.port === port);
  });
}

/** True when the operator exempted this URL's host (or host:port). */
export function isAllowedHost(url: URL, policy: UrlPolicy): boolean {
  return allowedByEntry(normalHost(url.hostname), effectivePort(url), policy);
}

function platformProblem(u: URL, kind: WebhookKind): string | null {
  const rule = PLATFORMS[kind];
  const host = normalHost(u.hostname);
  const onHost = rule.exact.includes(host) || rule.suffixes.some((s) => host.endsWith(s) && host.length > s.length);
  if (!onHost) return `${host} is not a ${kind} webhook host (expected ${rule.example})`;
  if (u.port && u.port !== '443') return `port ${u.port} is not used by ${kind} webhooks`;
  if (rule.path && !rule.path.test(u.pathname)) return `the path is not a ${kind} webhook path (expected ${rule.example})`;
  return null;
}

/**
 * The rules of every outgoing URL, webhook or not: no credentials, https only (plain http only for an allowed
 * host with allowInsecureForAllowed). `allowed`: isAllowedHost(u, policy). The reason for refusing, or null.
 */
function transportProblem(u: URL, policy: UrlPolicy, allowed: boolean): string | null {
  if (u.username || u.password) return 'credentials in the URL are not accepted';
  if (u.protocol === 'https:') return null;
  if (u.protocol === 'http:') return allowed && policy.allowInsecureForAllowed ? null : 'only https is accepted';
  return `the ${u.protocol} scheme is not accepted (https only)`;
}

/**
 * The checks that need no DNS: scheme, credentials, platform host and path, literal IP addresses.
 * Returns the reason for refusing, or null. Used at start-up to validate configuration.
 */
export function webhookUrlProblem(url: string, kind: WebhookKind, policy: UrlPolicy): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'not a valid URL';
  }
  const allowed = isAllowedHost(u, policy);
  const transport = transportProblem(u, policy, allowed);
  if (transport) return transport;
  if (allowed) return null;
  const host = normalHost(u.hostname);
  if (isIP(host)) {
    const problem = addressProblem(host);
    return problem ? `${host} is ${problem}` : `${host} is not a ${kind} webhook host`;
  }
  return platformProblem(u, kind);
}

/** Resolves a name to all its addresses (getaddrinfo's answer); injectable so tests control DNS. */
export type LookupAll = (hostname: string) => Promise<{ address: string; family: number }[]>;

const systemLookup: LookupAll = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/** An address that passed the policy, the one a request will connect to. */
export interface CheckedAddress {
  address: string;
  family: 4 | 6;
}

/**
 * Resolves a host name once (getaddrinfo, or the injected lookup) and refuses it when any address is not
 * public, unless that address is in allowHosts (every address counts: a client may pick any). Returns the
 * checked addresses, in the resolver's order; a literal IP is its own single address. With `skipChecks`
 * (the host itself is allowed) the addresses are only resolved, for pinning.
 * Throws WebhookUrlRefused when the name does not resolve or an address is refused.
 */
export async function resolveCheckedHost(
  hostname: string,
  policy: UrlPolicy,
  opts: { port?: string; lookup?: LookupAll; skipChecks?: boolean } = {},
): Promise<CheckedAddress[]> {
  const lookup = opts.lookup ?? systemLookup;
  const host = normalHost(hostname);
  let addresses: { address: string }[];
  try {
    addresses = isIP(host) ? [{ address: host }] : await lookup(host);
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    throw new WebhookUrlRefused(host, `cannot resolve ${host}${typeof code === 'string' ? ` (${code})` : ''}`);
  }
  if (addresses.length === 0) throw new WebhookUrlRefused(host, `${host} has no address`);
  const checked: CheckedAddress[] = [];
  for (const { address } of addresses) {
    const family = isIP(address);
    if (family === 0) throw new WebhookUrlRefused(host, `${host} resolves to ${address}, not an IP address`);
    const problem = opts.skipChecks ? null : addressProblem(address);
    if (problem && !allowedByEntry(normalHost(address), opts.port ?? '', policy)) {
      throw new WebhookUrlRefused(host, `${host} resolves to ${address}, ${problem}`);
    }
    checked.push({ address, family: family === 4 ? 4 : 6 });
  }
  return checked;
}

/** As resolveCheckedHost, for callers that only need the verdict. */
export async function checkResolvedHost(
  hostname: string,
  policy: UrlPolicy,
  opts: { port?: string; lookup?: LookupAll } = {},
): Promise<void> {
  await resolveCheckedHost(hostname, policy, opts);
}

/** A URL that passed the policy, with the address the request must connect to. */
export interface PinnedTarget {
  url: URL;
  address: CheckedAddress;
}

/**
 * Everything for one webhook hop: the static rules (scheme, credentials, platform host and path), then DNS,
 * once. Returns the URL with the checked address to connect to (send it with pinnedRequest). Throws
 * WebhookUrlRefused, naming the URL without its secret path.
 */
export async function resolveWebhookTarget(url: string, kind: WebhookKind, policy: UrlPolicy, lookup: LookupAll = systemLookup): Promise<PinnedTarget> {
  const problem = webhookUrlProblem(url, kind, policy);
  if (problem) throw new WebhookUrlRefused(redactUrl(url), problem);
  return pinTarget(new URL(url), policy, lookup);
}

async function pinTarget(u: URL, policy: UrlPolicy, lookup: LookupAll): Promise<PinnedTarget> {
  try {
    const addresses = await resolveCheckedHost(u.hostname, policy, { port: effectivePort(u), lookup, skipChecks: isAllowedHost(u, policy) });
    // The first address, as getaddrinfo ordered it (RFC 6724); all were checked, so any would do.
    return { url: u, address: addresses[0] as CheckedAddress };
  } catch (err) {
    if (err instanceof WebhookUrlRefused) throw new WebhookUrlRefused(redactUrl(u), err.reason);
    throw err;
  }
}

/** Everything, as resolveWebhookTarget; returns the parsed URL. Throws WebhookUrlRefused. */
export async function checkWebhookUrl(url: string, kind: WebhookKind, policy: UrlPolicy, lookup: LookupAll = systemLookup): Promise<URL> {
  return (await resolveWebhookTarget(url, kind, policy, lookup)).url;
}

/**
 * The rules for a URL that is not a webhook (a later "import from URL"): http or https (plain http only
 * for an allowed host with allowInsecureForAllowed), no credentials, any host name, public addresses
 * only (allowHosts excepted). Returns the pinned target; throws WebhookUrlRefused.
 */
export async function resolvePublicTarget(url: string, policy: UrlPolicy, lookup: LookupAll = systemLookup): Promise<PinnedTarget> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new WebhookUrlRefused('(not a URL)', 'not a valid URL');
  }
  const problem = transportProblem(u, policy, isAllowedHost(u, policy));
  if (problem) throw new WebhookUrlRefused(redactUrl(u), problem);
  return pinTarget(u, policy, lookup);
}

/** What pinnedRequest answers: the status, the headers and the body as a stream (read or destroy it). */
export interface PinnedResponse {
  status: number;
  headers: Headers;
  body: IncomingMessage;
}

export interface PinnedRequestInit {
  method: string;
  headers?: OutgoingHttpHeaders;
  body?: string | Buffer;
  /** Aborts the connection, the request and the response body. */
  signal?: AbortSignal;
  /** The certificate authorities TLS trusts for this request (PEM), instead of Node's bundled roots. */
  ca?: string | Buffer | (string | Buffer)[];
}

/** A `lookup` for http.request that answers every query with the one checked address. */
function pinnedLookup(pinned: CheckedAddress): LookupFunction {
  return (_hostname: string, options: LookupOptions, callback) => {
    // net.connect asks for all addresses when it may try several (autoSelectFamily, Node >= 20).
    if (options.all) callback(null, [{ address: pinned.address, family: pinned.family }] satisfies LookupAddress[]);
    else callback(null, pinned.address, pinned.family);
  };
}

/**
 * Sends one HTTP(S) request to a target that passed the policy, connecting to its checked address and to
 * nothing else: the name is not resolved again (no DNS rebinding), TLS still verifies the certificate
 * against the URL's host name (SNI included), redirects are not followed (the caller checks each Location
 * and pins it again), and no pooled connection is reused (a pool keys connections by host name, not by the
 * address pinned). Rejects with the network error (its `code`: ECONNREFUSED, ETIMEDOUT…) or the signal's
 * reason.
 */
export function pinnedRequest(target: PinnedTarget, init: PinnedRequestInit): Promise<PinnedResponse> {
  const send = target.url.protocol === 'https:' ? httpsRequest : httpRequest;
  const headers: OutgoingHttpHeaders = { ...init.headers };
  if (init.body !== undefined) headers['content-length'] = Buffer.byteLength(init.body);
  return new Promise<PinnedResponse>((resolve, reject) => {
    const req = send(
      target.url,
      { method: init.method, headers, agent: false, lookup: pinnedLookup(target.address), signal: init.signal, ...(init.ca ? { ca: init.ca } : {}) },
      (res) => {
        const h = new Headers();
        for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) h.append(res.rawHeaders[i] as string, res.rawHeaders[i + 1] as string);
        resolve({ status: res.statusCode ?? 0, headers: h, body: res });
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}

// SSRF guard for webhook URLs. A webhook URL comes from configuration, but a redirect's Location comes from
// whoever answers, so every hop is checked: https only, on the platform's own hosts, and resolving to
// public addresses. The operator can make exceptions per host (how tests reach a loopback receiver, and
// how a company routes webhooks through an internal proxy).
import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

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

// Not reachable as a public webhook receiver. IPv4-mapped IPv6 forms (::ffff:10.0.0.1) are matched
// against the IPv4 rules by BlockList itself.
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

/** Why an address may not receive a webhook, or null when it is a public unicast address. */
export function addressProblem(address: string): string | null {
  const family = isIP(address);
  if (family === 0) return 'not an IP address';
  const type = family === 4 ? 'ipv4' : 'ipv6';
  for (const { list, reason } of blockLists) {
    if (list.check(address, type)) return reason;
  }
  return null;
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
  if (u.username || u.password) return 'credentials in the URL are not accepted';
  const allowed = isAllowedHost(u, policy);
  if (u.protocol !== 'https:') {
    if (u.protocol === 'http:' && allowed && policy.allowInsecureForAllowed) return null;
    return u.protocol === 'http:' ? 'only https is accepted' : `the ${u.protocol} scheme is not accepted (https only)`;
  }
  if (allowed) return null;
  const host = normalHost(u.hostname);
  if (isIP(host)) {
    const problem = addressProblem(host);
    return problem ? `${host} is ${problem}` : `${host} is not a ${kind} webhook host`;
  }
  return platformProblem(u, kind);
}

export type LookupAll = (hostname: string) => Promise<{ address: string; family: number }[]>;

const systemLookup: LookupAll = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/**
 * Resolves a host name the way the HTTP client will (getaddrinfo) and refuses it when any address is
 * not public, unless that address is in allowHosts. Every address counts: the client may pick any.
 */
export async function checkResolvedHost(
  hostname: string,
  policy: UrlPolicy,
  opts: { port?: string; lookup?: LookupAll } = {},
): Promise<void> {
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
  for (const { address } of addresses) {
    const problem = addressProblem(address);
    if (problem && !allowedByEntry(normalHost(address), opts.port ?? '', policy)) {
      throw new WebhookUrlRefused(host, `${host} resolves to ${address}, ${problem}`);
    }
  }
}

/**
 * Everything: the static rules, then DNS. Throws WebhookUrlRefused; returns the parsed URL.
 * Checked just before each request (and each redirect hop). The HTTP client resolves the name again when
 * it connects, so a DNS answer that changes in between (rebinding) is not caught: pinning the address
 * needs a dispatcher with a custom lookup, which node's built-in fetch does not expose without the
 * undici package. The short window and the platform host list keep the risk small.
 */
export async function checkWebhookUrl(url: string, kind: WebhookKind, policy: UrlPolicy, lookup: LookupAll = systemLookup): Promise<URL> {
  const problem = webhookUrlProblem(url, kind, policy);
  if (problem) throw new WebhookUrlRefused(redactUrl(url), problem);
  const u = new URL(url);
  if (isAllowedHost(u, policy)) return u;
  try {
    await checkResolvedHost(u.hostname, policy, { port: effectivePort(u), lookup });
  } catch (err) {
    if (err instanceof WebhookUrlRefused) throw new WebhookUrlRefused(redactUrl(u), err.reason);
    throw err;
  }
  return u;
}

// Which channels hear about which events, read once from the environment. A wrong value stops start-up
// with a message naming the variable, like src/config.ts; webhook URLs are never echoed whole (their path
// is the secret).
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { documented } from '../config-docs';
import { NOTICE_EVENTS, type NoticeEvent } from './messages';
import { redactUrl, webhookUrlProblem, WEBHOOK_KINDS, type UrlPolicy, type WebhookKind } from './url-policy';
import type { NoticeLocale } from './format';

export const CHANNEL_KINDS = ['email', ...WEBHOOK_KINDS] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

/** `id` is stable across restarts and names the channel in the sent-notification record. */
export type Channel = { kind: 'email'; id: 'email'; to: string[] } | { kind: WebhookKind; id: string; url: string };

export interface NotificationConfig {
  /** null when no recipient is configured or EMAIL_NOTIFICATIONS_ENABLED=false. */
  email: { smtpUrl: string; from: string; to: string[] } | null;
  webhooks: { kind: WebhookKind; id: string; url: string }[];
  routes: Record<ChannelKind, string[]>;
  policy: UrlPolicy;
  /** For one SMTP send or one webhook call; below the notify activity's own timeout. */
  timeoutMs: number;
  /**
   * The language and time zone notices are written in (NOTIFICATION_LANGUAGE, DISPLAY_TIMEZONE), set by loadConfig;
   * absent (a config built by hand): French, Europe/Paris.
   */
  locale?: NoticeLocale;
}

const WEBHOOK_DEFAULT_ROUTES = ['import.succeeded', 'import.partial', 'import.failed', 'digest.*', 'alert.*'];

/** Email hears everything; chat hears outcomes, digests and alerts, not discarded or cancelled dry runs. */
export const DEFAULT_ROUTES: Readonly<Record<ChannelKind, readonly string[]>> = {
  email: ['*'],
  slack: WEBHOOK_DEFAULT_ROUTES,
  discord: WEBHOOK_DEFAULT_ROUTES,
  teams: WEBHOOK_DEFAULT_ROUTES,
};

export const DEFAULT_NOTIFICATION_TIMEOUT_MS = 10_000;
export const DEFAULT_MAIL_FROM = 'Course import <course-import@localhost>';

/** The variables parseNotificationConfig reads. */
export const NOTIFICATION_VARIABLES = ['NOTIFICATION_WEBHOOKS', 'NOTIFICATION_ROUTES', 'ADMIN_NOTIFICATION_EMAILS', 'EMAIL_NOTIFICATIONS_ENABLED', 'SMTP_URL', 'MAIL_FROM', 'WEBHOOK_ALLOW_HOSTS', 'WEBHOOK_ALLOW_INSECURE', 'NOTIFICATION_TIMEOUT'] as const;

export class NotificationConfigError extends Error {
  override readonly name = 'NotificationConfigError';
}

/** `*`, `import.*` or an exact event: true when the pattern covers the event. */
export function matchesEvent(pattern: string, event: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('.*')) return event.startsWith(pattern.slice(0, -1));
  return pattern === event;
}

const EVENT_GROUPS = [...new Set(NOTICE_EVENTS.map((e) => e.slice(0, e.indexOf('.'))))];

function patternProblem(pattern: string): string | null {
  if (pattern === '*' || (NOTICE_EVENTS as readonly string[]).includes(pattern)) return null;
  if (pattern.endsWith('.*') && EVENT_GROUPS.includes(pattern.slice(0, -2))) return null;
  return `unknown event "${pattern}" (use *, ${EVENT_GROUPS.map((g) => `${g}.*`).join(', ')} or one of ${NOTICE_EVENTS.join(', ')})`;
}

function jsonValue(example: string) {
  return (v: string, ctx: z.RefinementCtx) => {
    try {
      return JSON.parse(v) as unknown;
    } catch (err) {
      const hint = v.includes("'") ? ' (JSON wants double quotes)' : '';
      ctx.addIssue({ code: 'custom', message: `not valid JSON${hint}: ${(err as Error).message}; expected e.g. ${example}` });
      return z.NEVER;
    }
  };
}

function keysOf(kinds: readonly string[]) {
  return {
    error: (iss: { code?: string; keys?: string[] }) =>
      iss.code === 'unrecognized_keys' ? `unknown key ${(iss.keys ?? []).map((k) => `"${k}"`).join(', ')} (expected ${kinds.join(', ')})` : undefined,
  };
}

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const oneOrMany = z.union([z.string().min(1, 'an empty URL'), z.array(z.string().min(1, 'an empty URL'))]).transform((v) => (Array.isArray(v) ? v : [v]));

const webhooksSchema = z
  .string()
  .transform(jsonValue('{"slack":"https://hooks.slack.com/services/…"}'))
  .pipe(z.strictObject({ slack: oneOrMany.optional(), discord: oneOrMany.optional(), teams: oneOrMany.optional() }, keysOf(WEBHOOK_KINDS)));

const patterns = z.union([z.string(), z.array(z.string())]).transform((v) => (Array.isArray(v) ? v : [v]));

const routesSchema = z
  .string()
  .transform(jsonValue('{"slack":["import.*","alert.*"],"email":["*"]}'))
  .pipe(
    z.strictObject(
      { email: patterns.optional(), slack: patterns.optional(), discord: patterns.optional(), teams: patterns.optional() },
      keysOf(CHANNEL_KINDS),
    ),
  );

const emailList = z
  .string()
  .transform((v, ctx) => {
    const t = v.trim();
    if (t.startsWith('[')) return jsonValue('["admin@example.com"]')(t, ctx);
    return t.split(/[,;]/).map((s) => s.trim()).filter(Boolean);
  })
  .pipe(z.array(z.email({ error: (iss) => `${JSON.stringify(iss.input)} is not an email address` })).optional());

const commaList = z.string().transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean));

const timeout = z
  .string()
  .regex(/^\d+(ms|s)?$/, 'a duration like 10s or 2500ms')
  .transform((v) => (v.endsWith('ms') ? Number.parseInt(v, 10) : Number.parseInt(v, 10) * 1000))
  .pipe(z.number().min(100, 'at least 100ms').max(60_000, 'at most 60s: it must stay below the notify activity timeout'));

const schema = z.object({
  NOTIFICATION_WEBHOOKS: documented(webhooksSchema.optional(), 'JSON `{"slack": url, "discord": url, "teams": url}` (a value may be a list)', '—'),
  NOTIFICATION_ROUTES: documented(routesSchema.optional(), 'JSON `{channel: [event patterns]}`', 'all events everywhere'),
  ADMIN_NOTIFICATION_EMAILS: documented(emailList.optional(), 'comma-separated recipients of every notification', '—'),
  EMAIL_NOTIFICATIONS_ENABLED: documented(bool.default(true), '`false` turns email off', '`true`'),
  SMTP_URL: documented(z
    .string()
    .regex(/^smtps?:\/\/[^/\s]+/i, 'an smtp:// or smtps:// URL')
    .optional(), '`smtp://` or `smtps://` URL of the mail server', '—'),
  MAIL_FROM: documented(z.string().regex(/@/, 'an address like "Course import <imports@example.com>"').default(DEFAULT_MAIL_FROM), 'sender of the emails', '`Course import <course-import@localhost>`'),
  WEBHOOK_ALLOW_HOSTS: documented(commaList.default([]), 'hosts (`host` or `host:port`) exempt from the webhook host and address checks', '—'),
  WEBHOOK_ALLOW_INSECURE: documented(bool.default(false), 'allow plain http for those hosts', '`false`'),
  NOTIFICATION_TIMEOUT: documented(timeout.default(DEFAULT_NOTIFICATION_TIMEOUT_MS), 'SMTP and HTTP timeout per attempt', '`10s`'),
});

/** The schema of the notification variables (each with its check, default and documentation). */
export const notificationSchema = schema;

function issuePath(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('');
}

function channelId(kind: WebhookKind, url: string): string {
  // A hash, not a position: reordering the configuration must not make a sent notification look unsent.
  return `${kind}:${createHash('sha256').update(url).digest('hex').slice(0, 10)}`;
}

/**
 * Reads NOTIFICATION_WEBHOOKS, NOTIFICATION_ROUTES, ADMIN_NOTIFICATION_EMAILS, EMAIL_NOTIFICATIONS_ENABLED,
 * SMTP_URL, MAIL_FROM, WEBHOOK_ALLOW_HOSTS, WEBHOOK_ALLOW_INSECURE and NOTIFICATION_TIMEOUT.
 * Empty strings count as unset. Throws NotificationConfigError listing every problem.
 */
export function parseNotificationConfig(env: Record<string, string | undefined>): NotificationConfig {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''));
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    throw new NotificationConfigError(`invalid notification configuration:\n${parsed.error.issues.map((i) => `  ${issuePath(i.path)}: ${i.message}`).join('\n')}`);
  }
  const e = parsed.data;
  const problems: string[] = [];

  for (const entry of e.WEBHOOK_ALLOW_HOSTS) {
    if (!/^(\[[0-9a-f:.]+\]|[0-9a-z.-]+|[0-9a-f:]+)(:\d{1,5})?$/i.test(entry)) problems.push(`WEBHOOK_ALLOW_HOSTS: "${entry}" is not a host or host:port`);
  }
  const policy: UrlPolicy = { allowHosts: e.WEBHOOK_ALLOW_HOSTS, allowInsecureForAllowed: e.WEBHOOK_ALLOW_INSECURE };

  const webhooks: NotificationConfig['webhooks'] = [];
  for (const kind of WEBHOOK_KINDS) {
    const urls = e.NOTIFICATION_WEBHOOKS?.[kind] ?? [];
    urls.forEach((url, i) => {
      const problem = webhookUrlProblem(url, kind, policy);
      const where = urls.length > 1 ? `NOTIFICATION_WEBHOOKS.${kind}[${i}]` : `NOTIFICATION_WEBHOOKS.${kind}`;
      if (problem) problems.push(`${where}: ${redactUrl(url)}: ${problem}`);
      else if (!webhooks.some((w) => w.url === url)) webhooks.push({ kind, id: channelId(kind, url), url });
    });
  }

  const routes = Object.fromEntries(CHANNEL_KINDS.map((k) => [k, [...DEFAULT_ROUTES[k]]])) as Record<ChannelKind, string[]>;
  for (const kind of CHANNEL_KINDS) {
    const patterns = e.NOTIFICATION_ROUTES?.[kind];
    if (!patterns) continue;
    patterns.forEach((p, i) => {
      const problem = patternProblem(p.trim());
      if (problem) problems.push(`NOTIFICATION_ROUTES.${kind}[${i}]: ${problem}`);
    });
    routes[kind] = patterns.map((p) => p.trim());
  }

  const to = e.ADMIN_NOTIFICATION_EMAILS ?? [];
  let email: NotificationConfig['email'] = null;
  if (e.EMAIL_NOTIFICATIONS_ENABLED && to.length > 0) {
    if (!e.SMTP_URL) problems.push('SMTP_URL: required when ADMIN_NOTIFICATION_EMAILS is set (or set EMAIL_NOTIFICATIONS_ENABLED=false)');
    else email = { smtpUrl: e.SMTP_URL, from: e.MAIL_FROM, to };
  }

  if (problems.length > 0) throw new NotificationConfigError(`invalid notification configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  return { email, webhooks, routes, policy, timeoutMs: e.NOTIFICATION_TIMEOUT };
}

/** The channels an event goes to, in configuration order: email first, then Slack, Discord, Teams. */
export function channelsFor(event: NoticeEvent | string, config: NotificationConfig): Channel[] {
  const wants = (kind: ChannelKind) => config.routes[kind].some((p) => matchesEvent(p, event));
  const channels: Channel[] = [];
  if (config.email && wants('email')) channels.push({ kind: 'email', id: 'email', to: config.email.to });
  for (const w of config.webhooks) if (wants(w.kind)) channels.push({ kind: w.kind, id: w.id, url: w.url });
  return channels;
}

import type { Channel, NotificationConfig } from './routing';
import { channelsFor } from './routing';
import { eventOf, type Notice } from './messages';
import { createMailer, renderEmail, MailSendError, type Mailer } from './email';
import { buildWebhookPayload, sendWebhook } from './webhooks';
import { DEFAULT_NOTICE_LOCALE } from './format';

export interface Notifier {
  config: NotificationConfig;
  /** One pooled SMTP transport per process; null when email is not configured. */
  mailer: Mailer | null;
}

export function createNotifier(config: NotificationConfig): Notifier {
  const mailer = config.email ? createMailer(config.email.smtpUrl, { from: config.email.from, timeoutMs: config.timeoutMs }) : null;
  return { config, mailer };
}

export type DeliveryOutcome =
  | { ok: true }
  | { ok: false; retryable: boolean; retryAfterMs: number | null; message: string };

const EMAIL_ADDRESS = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;

/** Admins always; for an import, also the person who started it when that is an email address. */
export function emailRecipients(channel: Extract<Channel, { kind: 'email' }>, notice: Notice): string[] {
  const extra = notice.type === 'import' && notice.startedBy && EMAIL_ADDRESS.test(notice.startedBy) ? [notice.startedBy] : [];
  return [...new Set([...channel.to, ...extra].map((a) => a.toLowerCase()))];
}

export function channelIdsFor(notice: Notice, config: NotificationConfig): string[] {
  return channelsFor(eventOf(notice), config).map((c) => c.id);
}

/** Sends one notice to one channel. Never throws for a delivery problem: the outcome says what happened. */
export async function deliver(notifier: Notifier, channelId: string, notice: Notice, idempotencyKey: string): Promise<DeliveryOutcome> {
  const channel = channelsFor(eventOf(notice), notifier.config).find((c) => c.id === channelId);
  const locale = notifier.config.locale ?? DEFAULT_NOTICE_LOCALE;
  if (!channel) return { ok: false, retryable: false, retryAfterMs: null, message: `channel ${channelId} is no longer configured for ${eventOf(notice)}` };
  if (channel.kind === 'email') {
    if (!notifier.mailer) return { ok: false, retryable: false, retryAfterMs: null, message: 'email is not configured' };
    try {
      await notifier.mailer.send(emailRecipients(channel, notice), renderEmail(notice, locale), { idempotencyKey });
      return { ok: true };
    } catch (err) {
      if (err instanceof MailSendError) return { ok: false, retryable: err.retryable, retryAfterMs: null, message: err.message };
      throw err;
    }
  }
  const result = await sendWebhook(channel, buildWebhookPayload(channel.kind, notice, locale), {
    timeoutMs: notifier.config.timeoutMs,
    idempotencyKey,
    policy: notifier.config.policy,
  });
  return result.ok ? { ok: true } : { ok: false, retryable: result.retryable, retryAfterMs: result.retryAfterMs, message: result.message };
}

/** Dates become strings in workflow history: the notice is revived before rendering. */
export function reviveNotice(n: Notice): Notice {
  switch (n.type) {
    case 'digest':
      return { ...n, periodStart: new Date(n.periodStart), periodEnd: new Date(n.periodEnd) };
    case 'alert':
      return { ...n, since: new Date(n.since) };
    default:
      return n;
  }
}

// Email: a notice rendered through the eta templates of views/email/, and a small mailer over nodemailer.
import { Eta } from 'eta';
import nodemailer from 'nodemailer';
import type { Notice } from './messages';
import { subjectOf, type NoticeLocale } from './format';
import { emailViewOf } from './email-views';
import { projectPath } from '../paths';

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

export const EMAIL_VIEWS_DIR = projectPath('views', 'email');

let engines: { html: Eta; text: Eta } | undefined;
function templates(): { html: Eta; text: Eta } {
  engines ??= {
    // autoEscape is eta's default; it is spelled out because the HTML part shows user-controlled text
    // (file names, row error messages) and must never lose it to a configuration change.
    html: new Eta({ views: EMAIL_VIEWS_DIR, autoEscape: true, cache: true }),
    // text/plain has no markup to escape: escaping would show "&lt;" to the reader. No auto-trim either,
    // the text templates place their own line breaks (and trim control lines with -%>).
    text: new Eta({ views: EMAIL_VIEWS_DIR, autoEscape: false, autoTrim: false, cache: true }),
  };
  return engines;
}

/** Subject, plain text and HTML of a notice in `locale`'s language. Throws only on a broken template (a bug, not an input). */
export function renderEmail(notice: Notice, locale: NoticeLocale): RenderedEmail {
  const view = emailViewOf(notice, locale);
  const { html, text } = templates();
  return {
    subject: subjectOf(notice, locale),
    html: html.render(`${view.template}.html.eta`, view.data),
    text: tidyText(text.render(`${view.template}.txt.eta`, view.data)),
  };
}

function tidyText(text: string): string {
  return `${text
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim()}\n`;
}

export interface MailHeaders {
  /**
   * Stable per import and channel (e.g. `<importId>:email`). Sent as X-Idempotency-Key and turned into the
   * Message-ID, so a retried send carries the same id and receiving systems can drop the duplicate.
   */
  idempotencyKey?: string;
  /** An explicit Message-ID (with or without angle brackets); wins over the one derived from the key. */
  messageId?: string;
}

export interface Mailer {
  send(to: string[], email: RenderedEmail, headers?: MailHeaders): Promise<{ messageId: string }>;
  close(): void;
}

/** A failed send, with what the caller needs to decide between retrying and giving up. */
export class MailSendError extends Error {
  override readonly name = 'MailSendError';
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly code: string | null,
    readonly responseCode: number | null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * `smtpUrl` is smtp://[user:pass@]host[:port] (STARTTLS when the server offers it, with certificate checks)
 * or smtps://… (TLS from the first byte). nodemailer's URL query options (e.g. ?tls.rejectUnauthorized=false)
 * pass through. Every stage (connect, greeting, each reply) and the whole send are bounded by timeoutMs.
 */
export function createMailer(smtpUrl: string, opts: { from: string; timeoutMs: number }): Mailer {
  const protocol = smtpUrl.slice(0, smtpUrl.indexOf(':') + 1).toLowerCase();
  if (protocol !== 'smtp:' && protocol !== 'smtps:') throw new Error('SMTP URL must start with smtp:// or smtps://');
  const transport = nodemailer.createTransport({
    url: smtpUrl,
    connectionTimeout: opts.timeoutMs,
    greetingTimeout: opts.timeoutMs,
    socketTimeout: opts.timeoutMs,
    dnsTimeout: opts.timeoutMs,
    // The messages are built here from templates; nothing in them should ever read a file or a URL.
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  const idDomain = domainOf(opts.from);

  return {
    async send(to, email, headers = {}) {
      if (to.length === 0) throw new MailSendError('no recipient', false, null, null);
      const messageId = headers.messageId ? bracketed(headers.messageId) : headers.idempotencyKey ? `<${idToken(headers.idempotencyKey)}@${idDomain}>` : undefined;
      try {
        const info = await transport.sendMail({
          from: opts.from,
          to,
          subject: email.subject,
          text: email.text,
          html: email.html,
          messageId,
          headers: {
            // RFC 3834: keeps out-of-office replies and mail loops away from a notification.
            'Auto-Submitted': 'auto-generated',
            ...(headers.idempotencyKey ? { 'X-Idempotency-Key': headers.idempotencyKey } : {}),
          },
          signal: AbortSignal.timeout(opts.timeoutMs),
        });
        return { messageId: info.messageId };
      } catch (err) {
        throw asMailSendError(err, opts.timeoutMs);
      }
    },
    close() {
      transport.close();
    },
  };
}

function asMailSendError(err: unknown, timeoutMs: number): MailSendError {
  const e = (err ?? {}) as { message?: unknown; code?: unknown; responseCode?: unknown; permanent?: unknown };
  const code = typeof e.code === 'string' ? e.code : null;
  const responseCode = typeof e.responseCode === 'number' ? e.responseCode : null;
  const aborted = code === 'EABORT' || (err instanceof Error && (err.name === 'AbortError' || err.name === 'TimeoutError'));
  const message = aborted ? `SMTP send timed out after ${timeoutMs} ms` : typeof e.message === 'string' ? e.message : String(err);
  // A 5xx reply refuses this message for good (bad recipient, policy); everything else (connection,
  // timeout, 4xx, and authentication, which an operator fixes without touching the import) can succeed later.
  const permanent = (e.permanent === true && code !== 'EAUTH') || code === 'ECONFIG' || code === 'EMAXRECIPIENTS';
  return new MailSendError(message, !permanent, code, responseCode, { cause: err });
}

function domainOf(from: string): string {
  const m = /@([A-Za-z0-9.-]+)>?\s*$/.exec(from.trim());
  return m?.[1] ?? 'course-import.local';
}

/** A Message-ID local part may hold only atext and dots. */
function idToken(key: string): string {
  return key.replace(/[^A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]/g, '_').slice(0, 200) || 'notice';
}

function bracketed(id: string): string {
  const bare = id.trim().replace(/^<|>$/g, '');
  return `<${bare}>`;
}

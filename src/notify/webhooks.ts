// Chat webhooks: a notice in each platform's own format, and one POST with the outcome classified for
// the caller's retry policy (the notify activity retries what is retryable, and records the rest).
import type { Notice } from './messages';
import { cardOf } from './card';
import { slackPayload } from './slack';
import { discordPayload } from './discord';
import { teamsPayload } from './teams';
import { pinnedRequest, redactUrl, resolveWebhookTarget, WebhookUrlRefused, type LookupAll, type PinnedResponse, type UrlPolicy, type WebhookKind } from './url-policy';
import type { NoticeLocale } from './format';

export type { WebhookKind } from './url-policy';

export interface WebhookTarget {
  kind: WebhookKind;
  url: string;
}

export type WebhookResult =
  | { ok: true; status: number }
  | { ok: false; status: number | null; retryable: boolean; retryAfterMs: number | null; message: string };

export interface SendWebhookOptions {
  /** For the whole call: URL checks, DNS, every redirect hop and the response. */
  timeoutMs: number;
  /** Stable per import and channel; sent as Idempotency-Key (ignored by platforms that do not support it). */
  idempotencyKey: string;
  policy: UrlPolicy;
  /** DNS resolution for the URL policy (once per hop: the request connects to the address it checked); tests replace it. */
  lookup?: LookupAll;
}

export const MAX_REDIRECTS = 3;
export const MAX_RETRY_AFTER_MS = 10 * 60_000;

/** The platform's payload of a notice, worded in `locale`'s language. */
export function buildWebhookPayload(kind: WebhookKind, notice: Notice, locale: NoticeLocale): unknown {
  const card = cardOf(notice, locale);
  switch (kind) {
    case 'slack':
      return slackPayload(card);
    case 'discord':
      return discordPayload(card);
    case 'teams':
      return teamsPayload(card);
  }
}

/**
 * Retry-After as milliseconds: delay-seconds or an HTTP date, capped at 10 minutes (a longer wait is the
 * retry policy's business, not one header's). null when absent or unreadable.
 */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | null {
  const v = value?.trim();
  if (!v) return null;
  let ms: number;
  if (/^\d+(\.\d+)?$/.test(v)) ms = Math.ceil(Number(v) * 1000);
  else {
    // An HTTP date has a weekday and a month name; Date.parse alone would read "-5" as a year.
    if (!/[a-z]{3}/i.test(v)) return null;
    const at = Date.parse(v);
    if (Number.isNaN(at)) return null;
    ms = at - now;
  }
  return Math.min(Math.max(0, ms), MAX_RETRY_AFTER_MS);
}

function failure(status: number | null, retryable: boolean, message: string, retryAfterMs: number | null = null): WebhookResult {
  return { ok: false, status, retryable, retryAfterMs, message };
}

/** Rejects as soon as the signal aborts: dns.lookup cannot be cancelled, but it need not be waited for. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

/** The start of an error body, for the message; the rest is dropped so the connection can be reused. */
async function bodySnippet(res: PinnedResponse, max = 300): Promise<string> {
  const decoder = new TextDecoder();
  let text = '';
  try {
    if (max > 0) {
      for await (const chunk of res.body) {
        text += decoder.decode(chunk as Buffer, { stream: true });
        if (text.length >= max) break;
      }
    }
  } catch {
    // A body cut short still leaves the status to report.
  } finally {
    res.body.destroy();
  }
  return text.replace(/\s+/g, ' ').trim().slice(0, max);
}

function networkCause(err: unknown): string {
  const e = err as { code?: unknown; cause?: { code?: unknown; message?: unknown } };
  if (typeof e.code === 'string') return e.code;
  if (typeof e.cause?.code === 'string') return e.cause.code;
  if (typeof e.cause?.message === 'string') return e.cause.message;
  return err instanceof Error ? err.message : String(err);
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * POSTs the payload as JSON to the address the URL policy checked (pinned: see url-policy.ts). Redirects are
 * followed by hand (at most 3), re-checking and re-pinning each Location, and re-POSTing the same body
 * whatever the code: a webhook is only ever a POST.
 * Never throws for an HTTP or network outcome: 2xx -> ok; 429 and 503 -> retryable with Retry-After; 408,
 * other 5xx, network errors and the timeout -> retryable; other 4xx, refused URLs and more than 3 redirects
 * -> not retryable.
 */
export async function sendWebhook(target: WebhookTarget, payload: unknown, opts: SendWebhookOptions): Promise<WebhookResult> {
  const signal = AbortSignal.timeout(opts.timeoutMs);
  const body = JSON.stringify(payload);
  let url = target.url;
  try {
    for (let hop = 0; ; hop++) {
      const pinned = await untilAborted(resolveWebhookTarget(url, target.kind, opts.policy, opts.lookup), signal);
      const res = await pinnedRequest(pinned, {
        method: 'POST',
        headers: {
          'content-type': 'application/json; charset=utf-8',
          accept: 'application/json, text/plain;q=0.9, */*;q=0.1',
          'user-agent': 'course-import-notify/1',
          'idempotency-key': opts.idempotencyKey,
        },
        body,
        signal,
      });
      const status = res.status;
      if (REDIRECTS.has(status)) {
        const location = res.headers.get('location');
        await bodySnippet(res, 0);
        if (!location) return failure(status, false, `${target.kind} webhook answered ${status} without a Location`);
        if (hop >= MAX_REDIRECTS) return failure(status, false, `${target.kind} webhook redirected more than ${MAX_REDIRECTS} times`);
        try {
          url = new URL(location, url).href;
        } catch {
          return failure(status, false, `${target.kind} webhook redirected to an invalid Location`);
        }
        continue;
      }
      if (status >= 200 && status < 300) {
        await bodySnippet(res, 0);
        return { ok: true, status };
      }
      const detail = await bodySnippet(res);
      const message = `${target.kind} webhook ${redactUrl(url)} answered ${status}${detail ? `: ${detail}` : ''}`;
      if (status === 429 || status === 503) return failure(status, true, message, parseRetryAfter(res.headers.get('retry-after')));
      if (status === 408 || status >= 500) return failure(status, true, message);
      return failure(status, false, message);
    }
  } catch (err) {
    if (err instanceof WebhookUrlRefused) return failure(null, false, err.message);
    if (signal.aborted) return failure(null, true, `${target.kind} webhook ${redactUrl(url)} timed out after ${opts.timeoutMs} ms`);
    return failure(null, true, `${target.kind} webhook ${redactUrl(url)} unreachable: ${networkCause(err)}`);
  }
}

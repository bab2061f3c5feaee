// Wording shared by every channel: titles, subjects, counts and durations read the same in an email,
// a Slack message, a Discord embed and a Teams card, in the notice's language (NoticeLocale; texts in
// locales/<language>.json). Pure functions, no markup: each renderer escapes.
import type { ActionCounts } from '../contract';
import type { AlertKind, ImportNotice, Notice } from './messages';
import { stripBidiControls } from '../domain/display-text';
import { translator } from '../i18n/i18n';
import { failureText } from '../i18n/failure-messages';
import { DEFAULT_LANGUAGE, type Language } from '../i18n/languages';
import { formatDate, formatDateTime, formatNumber } from '../i18n/format';
import { fieldLabel, problemText, type ProblemLike } from '../i18n/row-messages';

/** How a notice should look: drives colours and emoji. */
export type Tone = 'good' | 'warning' | 'danger' | 'neutral' | 'info';

// C0/C1 controls and DEL break headers and layouts; bidi controls let a file name display as something it
// is not ("gpj.exe" shown as "exe.jpg"): both sets are in src/domain/display-text.ts. Bidi controls are
// removed (a space would split a name), other controls become spaces: every caller wants one line.
const C0_C1 = /[\u0000-\u001f\u007f-\u009f]+/g;

/** User-controlled text made safe to show on one line: bidi controls removed, controls and whitespace collapsed, bounded. */
export function oneLine(value: string, max = 500): string {
  return truncate(stripBidiControls(value).replace(C0_C1, ' ').replace(/\s+/g, ' ').trim(), max);
}

/** Cuts to at most `max` UTF-16 units with an ellipsis, never between the halves of a surrogate pair. */
export function truncate(value: string, max: number): string {
  if (value.length <= max) return value;
  if (max <= 1) return '…'.slice(0, max);
  let cut = value.slice(0, max - 1);
  if (/[\ud800-\udbff]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut}…`;
}

/**
 * The language and time zone a notice is written in: NOTIFICATION_LANGUAGE and DISPLAY_TIMEZONE, since a
 * channel (a mailing list, a Slack channel) has no user to ask.
 */
export interface NoticeLocale {
  language: Language;
  /** IANA zone of every date shown (Europe/Paris by default). */
  timeZone: string;
}

/** The configured defaults: French, Paris time. */
export const DEFAULT_NOTICE_LOCALE: NoticeLocale = { language: DEFAULT_LANGUAGE, timeZone: 'Europe/Paris' };

/** A whole number with the language's grouping: `1 299` / `1,299`. */
export function count(n: number, locale: NoticeLocale): string {
  return formatNumber(n, locale.language);
}

/** '850 ms', '1.2 s' / '1,2 s', '42 s', '2 min 05 s', '1 h 02 min' (the same units in French and English). */
export function formatDuration(ms: number | null, locale: NoticeLocale): string {
  if (ms === null || !Number.isFinite(ms) || ms < 0) return '—';
  const n = (v: number, digits: number) => formatNumber(v, locale.language, { maximumFractionDigits: digits, minimumFractionDigits: digits });
  if (ms < 1000) return `${n(Math.round(ms), 0)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${n(s, s < 10 ? 1 : 0)} s`;
  const total = Math.round(s);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const rest = total % 60;
  return h > 0 ? `${h} h ${String(m).padStart(2, '0')} min` : `${m} min ${String(rest).padStart(2, '0')} s`;
}

/**
 * The counts of an import as label / value pairs in the notice's language, for an email's table and a card's
 * facts. A file refused before any row was read has only zeros to show: none then.
 */
export function countFacts(notice: Pick<ImportNotice, 'counts' | 'status'>, locale: NoticeLocale): { label: string; value: string }[] {
  const c = notice.counts;
  if (c.rows === 0 && notice.status === 'failed') return [];
  const t = translator(locale.language);
  return [
    { label: t('notify.rows'), value: count(c.rows, locale) },
    { label: t('notify.createdLabel'), value: count(c.created, locale) },
    { label: t('notify.updatedLabel'), value: count(c.updated, locale) },
    { label: t('notify.unchangedLabel'), value: count(c.unchanged, locale) },
    { label: t('notify.skippedLabel'), value: count(c.skipped, locale) },
    { label: t('notify.failedLabel'), value: count(c.failed, locale) },
  ];
}

/** "12 created, 3 updated" / "12 créés, 3 mis à jour" and, when not zero, unchanged and skipped. */
export function countsPhrase(counts: ActionCounts, locale: NoticeLocale): string {
  const t = translator(locale.language);
  const parts = [t('notify.created', { n: count(counts.created, locale) }), t('notify.updated', { n: count(counts.updated, locale) })];
  if (counts.unchanged > 0) parts.push(t('notify.unchanged', { n: count(counts.unchanged, locale) }));
  if (counts.skipped > 0) parts.push(t('notify.skipped', { n: count(counts.skipped, locale) }));
  return parts.join(', ');
}

/** A moment in the notice's time zone and language: `25 nov. 2026, 05:10`. */
export function formatMoment(date: Date, locale: NoticeLocale): string {
  return formatDateTime(date, locale.language, locale.timeZone);
}

/** A whole UTC day as its date, any other period as `start → end` in the notice's time zone. */
export function formatPeriod(start: Date, end: Date, locale: NoticeLocale): string {
  const wholeUtcDay = end.getTime() - start.getTime() === 86_400_000 && start.toISOString().endsWith('T00:00:00.000Z');
  return wholeUtcDay ? formatDate(start, locale.language, 'UTC') : `${formatMoment(start, locale)} → ${formatMoment(end, locale)}`;
}

/** A counted noun of the catalogue, plural by CLDR: `1 row error`, `2 erreurs de ligne`. */
export function counted(key: string, n: number, locale: NoticeLocale): string {
  return translator(locale.language)(key, { count: n, n: count(n, locale) });
}

/** Only http(s) links are rendered: a javascript: or data: URL in an email or a card is never wanted. */
export function safeUrl(url: string): string | null {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : null;
  } catch {
    return null;
  }
}

export interface Link {
  label: string;
  url: string;
}

/** The links whose URL is http(s) (see safeUrl), each as `{ label, url }`; the others are left out. */
export function safeLinks(candidates: [string, string][]): Link[] {
  return candidates.flatMap(([label, url]) => {
    const safe = safeUrl(url);
    return safe ? [{ label, url: safe }] : [];
  });
}

/**
 * The row errors an import notice shows, in an email or a card: at most MAX_SHOWN_ERRORS, each bounded for
 * display, and the note saying there are more (null when there are not).
 */
export function shownRowErrors(notice: Pick<ImportNotice, 'errors' | 'counts'>, locale: NoticeLocale): { errors: { row: string; field: string; message: string }[]; note: string | null } {
  const shown = notice.errors.slice(0, MAX_SHOWN_ERRORS);
  const more = notice.errors.length > shown.length || notice.counts.failed > shown.length;
  const t = translator(locale.language);
  return {
    // In the notice's language when the error has a code (issue 11); the English message otherwise.
    errors: shown.map((e) => ({ row: String(e.row), field: oneLine(shownField(t, e), 80) || '—', message: oneLine(problemText(t, e), 300) })),
    note: more ? translator(locale.language)('notify.showingErrors', { what: counted('notify.rowErrors', shown.length, locale) }) : null,
  };
}

const ALERT_LOOKS: Record<AlertKind, { emoji: string; tone: Tone }> = {
  watcher_down: { emoji: '🚨', tone: 'danger' },
  watcher_up: { emoji: '✅', tone: 'good' },
  worker_down: { emoji: '🚨', tone: 'danger' },
  worker_up: { emoji: '✅', tone: 'good' },
};

export interface Title {
  emoji: string;
  /** Plain text, one line, user-controlled parts already passed through oneLine. */
  text: string;
  tone: Tone;
}

/** The one-line headline of a notice, in the notice's language: the email subject and the title of every card. */
export function titleOf(notice: Notice, locale: NoticeLocale): Title {
  const t = translator(locale.language);
  switch (notice.type) {
    case 'import':
      return importTitle(notice, locale);
    case 'digest': {
      const total = Object.values(notice.byStatus).reduce((a, b) => a + b, 0);
      const failed = notice.byStatus.failed ?? 0;
      return {
        emoji: '📊',
        text: t('notify.title.digest', { period: formatPeriod(notice.periodStart, notice.periodEnd, locale), imports: counted('notify.imports', total, locale), failed: count(failed, locale) }),
        tone: failed > 0 ? 'warning' : 'info',
      };
    }
    case 'alert': {
      const look = ALERT_LOOKS[notice.kind];
      return { emoji: look.emoji, text: t('notify.title.alert', { what: t(`notify.alert.${notice.kind}`), component: oneLine(notice.component, 80) }), tone: look.tone };
    }
  }
}

function importTitle(notice: ImportNotice, locale: NoticeLocale): Title {
  const t = translator(locale.language);
  const file = oneLine(notice.fileName, 80) || t('notify.unnamedFile');
  const counts = countsPhrase(notice.counts, locale);
  switch (notice.status) {
    case 'succeeded':
      return { emoji: '✅', text: t('notify.title.succeeded', { file, counts }), tone: 'good' };
    case 'succeeded_with_errors': {
      const n = notice.counts.failed || notice.errors.length;
      return { emoji: '⚠️', text: t('notify.title.succeeded_with_errors', { file, counts, errors: counted('notify.rowErrors', n, locale) }), tone: 'warning' };
    }
    case 'failed': {
      // In the notice's language from the failure's code and parameters (issue 11).
      const reason = oneLine(notice.error ? failureText(t, notice.error) : t('notify.unknownError'), 120);
      return { emoji: '❌', text: t('notify.title.failed', { file, reason }), tone: 'danger' };
    }
    case 'discarded':
      return { emoji: '🗑️', text: t('notify.title.discarded', { file }), tone: 'neutral' };
    case 'cancelled':
      return { emoji: '⏹️', text: t('notify.title.cancelled', { file }), tone: 'neutral' };
  }
}

/** Email subject: the title with its emoji, bounded (mail clients cut long subjects anyway). */
export function subjectOf(notice: Notice, locale: NoticeLocale): string {
  const t = titleOf(notice, locale);
  return truncate(`${t.emoji} ${t.text}`, 200);
}

/** One warning as a line: "row 3, duration: …" for a row warning, the message alone for a file warning. */
export function warningLine(w: ProblemLike & { row?: number; field?: string }, locale: NoticeLocale): string {
  const t = translator(locale.language);
  const where = [w.row !== undefined ? t('notify.row', { row: w.row }) : '', w.field ? oneLine(shownField(t, w), 80) : ''].filter(Boolean).join(', ');
  // In the notice's language when the warning has a code and its values (issue 11); the English message otherwise.
  const message = oneLine(problemText(t, w), 300);
  return where ? t('notify.warningAt', { where, message }) : message;
}

/** A problem's field as a reader of the notice's language names it ('prix'); as stored when it has no code. */
function shownField(t: ReturnType<typeof translator>, p: ProblemLike): string {
  return p.field && p.code && p.field !== '*' ? fieldLabel(t, p.field) : (p.field ?? '');
}

/** How many warnings a notice shows at most, in an email or a card. */
export const MAX_SHOWN_WARNINGS = 10;

/** How many row errors a notice shows at most, in an email or a card. */
export const MAX_SHOWN_ERRORS = 20;

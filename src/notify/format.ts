// Wording shared by every channel: titles, subjects, counts and durations read the same in an email,
// a Slack message, a Discord embed and a Teams card. Pure functions, no markup: each renderer escapes.
import type { ActionCounts } from '../contract';
import type { AlertKind, ImportNotice, Notice } from './messages';
import { stripBidiControls } from '../domain/display-text';

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

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function formatDuration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  const total = Math.round(s);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const rest = total % 60;
  return h > 0 ? `${h} h ${String(m).padStart(2, '0')} min` : `${m} min ${String(rest).padStart(2, '0')} s`;
}

/** "12 created, 3 updated" and, when not zero, unchanged and skipped. */
export function countsPhrase(counts: ActionCounts): string {
  const parts = [`${counts.created} created`, `${counts.updated} updated`];
  if (counts.unchanged > 0) parts.push(`${counts.unchanged} unchanged`);
  if (counts.skipped > 0) parts.push(`${counts.skipped} skipped`);
  return parts.join(', ');
}

/** Dates are shown in UTC: recipients are in several time zones and logs are in UTC. */
export function formatUtc(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export function formatPeriod(start: Date, end: Date): string {
  const wholeUtcDay = end.getTime() - start.getTime() === 86_400_000 && start.toISOString().endsWith('T00:00:00.000Z');
  return wholeUtcDay ? start.toISOString().slice(0, 10) : `${formatUtc(start)} → ${formatUtc(end)}`;
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

const ALERT_TITLES: Record<AlertKind, { emoji: string; text: string; tone: Tone }> = {
  watcher_down: { emoji: '🚨', text: 'Watcher down', tone: 'danger' },
  watcher_up: { emoji: '✅', text: 'Watcher back up', tone: 'good' },
  worker_down: { emoji: '🚨', text: 'Worker down', tone: 'danger' },
  worker_up: { emoji: '✅', text: 'Worker back up', tone: 'good' },
};

export interface Title {
  emoji: string;
  /** Plain text, one line, user-controlled parts already passed through oneLine. */
  text: string;
  tone: Tone;
}

/** The one-line headline of a notice: the email subject and the title of every card. */
export function titleOf(notice: Notice): Title {
  switch (notice.type) {
    case 'import':
      return importTitle(notice);
    case 'digest': {
      const total = Object.values(notice.byStatus).reduce((a, b) => a + b, 0);
      const failed = notice.byStatus.failed ?? 0;
      return {
        emoji: '📊',
        text: `Import summary ${formatPeriod(notice.periodStart, notice.periodEnd)}: ${plural(total, 'import')}, ${failed} failed`,
        tone: failed > 0 ? 'warning' : 'info',
      };
    }
    case 'alert': {
      const t = ALERT_TITLES[notice.kind];
      return { emoji: t.emoji, text: `${t.text}: ${oneLine(notice.component, 80)}`, tone: t.tone };
    }
  }
}

function importTitle(notice: ImportNotice): Title {
  const file = oneLine(notice.fileName, 80) || '(unnamed file)';
  switch (notice.status) {
    case 'succeeded':
      return { emoji: '✅', text: `Import succeeded: ${file} (${countsPhrase(notice.counts)})`, tone: 'good' };
    case 'succeeded_with_errors': {
      const n = notice.counts.failed || notice.errors.length;
      return { emoji: '⚠️', text: `Import finished with ${plural(n, 'row error')}: ${file} (${countsPhrase(notice.counts)})`, tone: 'warning' };
    }
    case 'failed': {
      const reason = oneLine(notice.error?.message ?? 'unknown error', 120);
      return { emoji: '❌', text: `Import failed: ${file} — ${reason}`, tone: 'danger' };
    }
    case 'discarded':
      return { emoji: '🗑️', text: `Import discarded: ${file} (dry run, nothing written)`, tone: 'neutral' };
    case 'cancelled':
      return { emoji: '⏹️', text: `Import cancelled: ${file}`, tone: 'neutral' };
  }
}

/** Email subject: the title with its emoji, bounded (mail clients cut long subjects anyway). */
export function subjectOf(notice: Notice): string {
  const t = titleOf(notice);
  return truncate(`${t.emoji} ${t.text}`, 200);
}

/** One warning as a line: "row 3, duration: …" for a row warning, the message alone for a file warning. */
export function warningLine(w: { row?: number; field?: string; message: string }): string {
  const where = [w.row !== undefined ? `row ${w.row}` : '', w.field ? oneLine(w.field, 80) : ''].filter(Boolean).join(', ');
  return where ? `${where}: ${oneLine(w.message, 300)}` : oneLine(w.message, 300);
}

/** How many warnings a notice shows at most, in an email or a card. */
export const MAX_SHOWN_WARNINGS = 10;

/** How many row errors a notice shows at most, in an email or a card. */
export const MAX_SHOWN_ERRORS = 20;

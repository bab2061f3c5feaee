// Notice -> the data an email template reads. Every decision (what to show, how to word it, how much of
// it) is made here in typed code, so the eta templates stay loops and interpolations.
import type { AlertNotice, DigestNotice, ImportNotice, Notice } from './messages';
import { formatDuration, formatPeriod, formatUtc, MAX_SHOWN_ERRORS, MAX_SHOWN_WARNINGS, oneLine, plural, safeUrl, titleOf, warningLine, type Tone } from './format';

export interface Link {
  label: string;
  url: string;
}
export interface LabelValue {
  label: string;
  value: string;
}

/** What layout.*.eta reads; every view carries it. */
interface LayoutView {
  title: string;
  emoji: string;
  color: string;
  /** The line mail clients show after the subject in a list. */
  preheader: string;
  adminUrl: string | null;
}

export interface ImportView extends LayoutView {
  facts: LabelValue[];
  error: { code: string; message: string } | null;
  counts: LabelValue[];
  errors: { row: string; field: string; message: string }[];
  errorsNote: string | null;
  /** Warning lines (see warningLine), at most MAX_SHOWN_WARNINGS. */
  warnings: string[];
  links: Link[];
}

export interface DigestView extends LayoutView {
  period: string;
  sections: { heading: string; rows: LabelValue[]; empty: string }[];
  links: Link[];
}

export interface AlertView extends LayoutView {
  facts: LabelValue[];
  advice: string;
  links: Link[];
}

export type EmailView = { template: 'import'; data: ImportView } | { template: 'digest'; data: DigestView } | { template: 'alert'; data: AlertView };

export const TONE_COLORS: Record<Tone, string> = {
  good: '#2eb67d',
  warning: '#ecb22e',
  danger: '#e01e5a',
  neutral: '#6b7280',
  info: '#1d9bd1',
};

const STATUS_LABELS: Record<ImportNotice['status'], string> = {
  succeeded: 'Succeeded',
  succeeded_with_errors: 'Succeeded with row errors',
  failed: 'Failed',
  discarded: 'Discarded (dry run)',
  cancelled: 'Cancelled',
};

function layoutOf(notice: Notice, preheader: string): LayoutView {
  const t = titleOf(notice);
  return { title: t.text, emoji: t.emoji, color: TONE_COLORS[t.tone], preheader, adminUrl: safeUrl(notice.adminUrl) };
}

function links(candidates: [string, string][]): Link[] {
  return candidates.flatMap(([label, url]) => {
    const safe = safeUrl(url);
    return safe ? [{ label, url: safe }] : [];
  });
}

export function importView(notice: { type: 'import' } & ImportNotice): ImportView {
  const shown = notice.errors.slice(0, MAX_SHOWN_ERRORS);
  const more = notice.errors.length > shown.length || notice.counts.failed > shown.length;
  const c = notice.counts;
  return {
    ...layoutOf(notice, `${c.rows} rows: ${c.created} created, ${c.updated} updated, ${c.failed} failed`),
    facts: [
      { label: 'File', value: oneLine(notice.fileName, 200) || '(unnamed file)' },
      { label: 'Status', value: STATUS_LABELS[notice.status] },
      { label: 'Source', value: oneLine(notice.source, 40) },
      ...(notice.startedBy ? [{ label: 'Started by', value: oneLine(notice.startedBy, 120) }] : []),
      { label: 'Duration', value: formatDuration(notice.durationMs) },
      { label: 'Import', value: oneLine(notice.importId, 80) },
    ],
    error: notice.error ? { code: oneLine(notice.error.code, 60), message: oneLine(notice.error.message, 1000) } : null,
    // A file refused before any row was read has only zeros to show.
    counts:
      c.rows === 0 && notice.status === 'failed'
        ? []
        : [
            { label: 'Rows', value: String(c.rows) },
            { label: 'Created', value: String(c.created) },
            { label: 'Updated', value: String(c.updated) },
            { label: 'Unchanged', value: String(c.unchanged) },
            { label: 'Skipped', value: String(c.skipped) },
            { label: 'Failed', value: String(c.failed) },
          ],
    errors: shown.map((e) => ({ row: String(e.row), field: oneLine(e.field, 80) || '—', message: oneLine(e.message, 300) })),
    errorsNote: more ? `Showing the first ${plural(shown.length, 'row error')}; the admin page lists them all.` : null,
    warnings: (notice.warnings ?? []).slice(0, MAX_SHOWN_WARNINGS).map(warningLine),
    links: links([
      ['Open the import', notice.adminUrl],
      ['Temporal run', notice.temporalUrl],
    ]),
  };
}

function countRows(record: Record<string, number>): LabelValue[] {
  return Object.entries(record)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([label, n]) => ({ label: oneLine(label, 60), value: String(n) }));
}

export function digestView(notice: { type: 'digest' } & DigestNotice): DigestView {
  const s = notice.searches;
  const noResultRate = s.total > 0 ? ` (${((100 * s.noResult) / s.total).toFixed(1)}%)` : '';
  const total = Object.values(notice.byStatus).reduce((a, b) => a + b, 0);
  return {
    ...layoutOf(notice, `${plural(total, 'import')}, ${notice.rows.created} courses created, ${notice.rows.updated} updated`),
    period: formatPeriod(notice.periodStart, notice.periodEnd),
    sections: [
      { heading: 'Imports by status', rows: countRows(notice.byStatus), empty: 'No import in this period.' },
      { heading: 'Imports by source', rows: countRows(notice.bySource), empty: 'No import in this period.' },
      {
        heading: 'Rows',
        rows: [
          { label: 'Created', value: String(notice.rows.created) },
          { label: 'Updated', value: String(notice.rows.updated) },
          { label: 'Failed', value: String(notice.rows.failed) },
        ],
        empty: '',
      },
      {
        heading: 'Most frequent row errors',
        rows: notice.topErrors.slice(0, 10).map((e) => ({ label: oneLine(e.message, 200), value: `×${e.count}` })),
        empty: 'No row error.',
      },
      {
        heading: 'Slowest imports',
        rows: notice.slowest.slice(0, 5).map((i) => ({ label: oneLine(i.fileName, 120), value: formatDuration(i.durationMs) })),
        empty: 'No import in this period.',
      },
      {
        heading: 'Catalogue and search',
        rows: [
          { label: 'Courses in the catalogue', value: String(notice.coursesTotal) },
          { label: 'Documents in the search index', value: notice.documentsInIndex === null ? '—' : String(notice.documentsInIndex) },
          { label: 'Searches', value: String(s.total) },
          { label: 'Searches without result', value: `${s.noResult}${noResultRate}` },
        ],
        empty: '',
      },
    ],
    links: links([['Open the admin dashboard', notice.adminUrl]]),
  };
}

const ALERT_ADVICE: Record<AlertNotice['kind'], string> = {
  watcher_down: 'Files dropped into the ingest folder are not picked up until the watcher runs again. Files already dropped wait safely.',
  watcher_up: 'The watcher is running again; files that waited in the drop folder are being imported.',
  worker_down: 'No worker polls the task queue: imports are queued in Temporal and resume when a worker starts.',
  worker_up: 'A worker polls the task queue again; queued imports are resuming.',
};

export function alertView(notice: { type: 'alert' } & AlertNotice): AlertView {
  return {
    ...layoutOf(notice, oneLine(notice.detail, 140)),
    facts: [
      { label: 'Component', value: oneLine(notice.component, 200) },
      { label: 'Detail', value: oneLine(notice.detail, 1000) },
      { label: 'Since', value: formatUtc(notice.since) },
    ],
    advice: ALERT_ADVICE[notice.kind],
    links: links([['Open the admin dashboard', notice.adminUrl]]),
  };
}

export function emailViewOf(notice: Notice): EmailView {
  switch (notice.type) {
    case 'import':
      return { template: 'import', data: importView(notice) };
    case 'digest':
      return { template: 'digest', data: digestView(notice) };
    case 'alert':
      return { template: 'alert', data: alertView(notice) };
  }
}

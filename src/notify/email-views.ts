// Notice -> the data an email template reads. Every decision (what to show, how to word it, how much of
// it) is made here in typed code, so the eta templates stay loops and interpolations.
import type { AlertNotice, DigestNotice, ImportNotice, Notice } from './messages';
import { count, countFacts, counted, formatDuration, formatMoment, formatPeriod, MAX_SHOWN_WARNINGS, oneLine, safeLinks, safeUrl, shownRowErrors, titleOf, warningLine, type Link, type NoticeLocale, type Tone } from './format';
import { translator, type Translate } from '../i18n/i18n';
import { failureText } from '../i18n/failure-messages';
import type { Language } from '../i18n/languages';
import { formatNumber } from '../i18n/format';

export type { Link } from './format';
export interface LabelValue {
  label: string;
  value: string;
}

/** What layout.*.eta reads; every view carries it. */
interface LayoutView {
  /** The language of the email (`<html lang>`), and t() bound to it for the templates' fixed words. */
  lang: Language;
  t: Translate;
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

function layoutOf(notice: Notice, preheader: string, locale: NoticeLocale): LayoutView {
  const title = titleOf(notice, locale);
  return {
    lang: locale.language,
    t: translator(locale.language),
    title: title.text,
    emoji: title.emoji,
    color: TONE_COLORS[title.tone],
    preheader,
    adminUrl: safeUrl(notice.adminUrl),
  };
}

export function importView(notice: { type: 'import' } & ImportNotice, locale: NoticeLocale): ImportView {
  const t = translator(locale.language);
  const rowErrors = shownRowErrors(notice, locale);
  const c = notice.counts;
  return {
    ...layoutOf(
      notice,
      t('notify.preheaderImport', { rows: count(c.rows, locale), created: count(c.created, locale), updated: count(c.updated, locale), failed: count(c.failed, locale) }),
      locale,
    ),
    facts: [
      { label: t('notify.file'), value: oneLine(notice.fileName, 200) || t('notify.unnamedFile') },
      { label: t('notify.status_'), value: t(`notify.status.${notice.status}`) },
      { label: t('notify.source'), value: t(`source.${notice.source}`, { defaultValue: oneLine(notice.source, 40) }) },
      ...(notice.startedBy ? [{ label: t('notify.startedBy'), value: oneLine(notice.startedBy, 120) }] : []),
      { label: t('notify.duration'), value: formatDuration(notice.durationMs, locale) },
      { label: t('notify.import'), value: oneLine(notice.importId, 80) },
    ],
    // In the notice's language from the failure's code and parameters (issue 11); the English message is the detail.
    error: notice.error ? { code: oneLine(notice.error.code, 60), message: oneLine(failureText(t, notice.error), 1000) } : null,
    counts: countFacts(notice, locale),
    errors: rowErrors.errors,
    errorsNote: rowErrors.note,
    warnings: (notice.warnings ?? []).slice(0, MAX_SHOWN_WARNINGS).map((w) => warningLine(w, locale)),
    links: safeLinks([
      [t('notify.openImport'), notice.adminUrl],
      [t('notify.temporalRun'), notice.temporalUrl],
    ]),
  };
}

/** A status or source count per label, largest first; `prefix` names the catalogue's labels (status., source.). */
function countRows(record: Record<string, number>, prefix: string, t: Translate, locale: NoticeLocale): LabelValue[] {
  return Object.entries(record)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([label, n]) => ({ label: t(`${prefix}.${label}`, { defaultValue: oneLine(label, 60) }), value: count(n, locale) }));
}

export function digestView(notice: { type: 'digest' } & DigestNotice, locale: NoticeLocale): DigestView {
  const t = translator(locale.language);
  const s = notice.searches;
  const rate = formatNumber(s.noResult / Math.max(1, s.total), locale.language, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 });
  const noResultRate = s.total > 0 ? ` (${rate})` : '';
  const total = Object.values(notice.byStatus).reduce((a, b) => a + b, 0);
  const noImport = t('notify.noImport');
  return {
    ...layoutOf(
      notice,
      t('notify.preheaderDigest', { imports: counted('notify.imports', total, locale), created: count(notice.rows.created, locale), updated: count(notice.rows.updated, locale) }),
      locale,
    ),
    period: formatPeriod(notice.periodStart, notice.periodEnd, locale),
    sections: [
      { heading: t('notify.importsByStatus'), rows: countRows(notice.byStatus, 'status', t, locale), empty: noImport },
      { heading: t('notify.importsBySource'), rows: countRows(notice.bySource, 'source', t, locale), empty: noImport },
      {
        heading: t('notify.rowsHeading'),
        rows: [
          { label: t('notify.createdLabel'), value: count(notice.rows.created, locale) },
          { label: t('notify.updatedLabel'), value: count(notice.rows.updated, locale) },
          { label: t('notify.failedLabel'), value: count(notice.rows.failed, locale) },
        ],
        empty: '',
      },
      {
        heading: t('notify.topErrors'),
        rows: notice.topErrors.slice(0, 10).map((e) => ({ label: oneLine(e.message, 200), value: `×${count(e.count, locale)}` })),
        empty: t('notify.noRowError'),
      },
      {
        heading: t('notify.slowest'),
        rows: notice.slowest.slice(0, 5).map((i) => ({ label: oneLine(i.fileName, 120), value: formatDuration(i.durationMs, locale) })),
        empty: noImport,
      },
      {
        heading: t('notify.catalogue'),
        rows: [
          { label: t('notify.coursesInCatalogue'), value: count(notice.coursesTotal, locale) },
          { label: t('notify.documentsInIndex'), value: notice.documentsInIndex === null ? '—' : count(notice.documentsInIndex, locale) },
          { label: t('notify.searches'), value: count(s.total, locale) },
          { label: t('notify.searchesNoResult'), value: `${count(s.noResult, locale)}${noResultRate}` },
        ],
        empty: '',
      },
    ],
    links: safeLinks([[t('notify.openDashboard'), notice.adminUrl]]),
  };
}

export function alertView(notice: { type: 'alert' } & AlertNotice, locale: NoticeLocale): AlertView {
  const t = translator(locale.language);
  return {
    ...layoutOf(notice, oneLine(notice.detail, 140), locale),
    facts: [
      { label: t('notify.component'), value: oneLine(notice.component, 200) },
      { label: t('notify.detail'), value: oneLine(notice.detail, 1000) },
      { label: t('notify.since'), value: formatMoment(notice.since, locale) },
    ],
    advice: t(`notify.advice.${notice.kind}`),
    links: safeLinks([[t('notify.openDashboard'), notice.adminUrl]]),
  };
}

/** What the email template of a notice reads, worded in `locale`'s language. */
export function emailViewOf(notice: Notice, locale: NoticeLocale): EmailView {
  switch (notice.type) {
    case 'import':
      return { template: 'import', data: importView(notice, locale) };
    case 'digest':
      return { template: 'digest', data: digestView(notice, locale) };
    case 'alert':
      return { template: 'alert', data: alertView(notice, locale) };
  }
}

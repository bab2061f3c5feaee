// Notice -> a platform-neutral card: what a chat message says, before any platform's markup. Slack, Discord
// and Teams each turn this into their own format and escape it their own way, so they say the same thing.
import type { AlertNotice, DigestNotice, ImportNotice, Notice } from './messages';
import { count, countFacts, counted, formatDuration, formatMoment, formatPeriod, MAX_SHOWN_WARNINGS, oneLine, safeLinks, safeUrl, shownRowErrors, titleOf, warningLine, type Link, type NoticeLocale, type Title } from './format';
import { translator } from '../i18n/i18n';
import { failureText } from '../i18n/failure-messages';

export interface CardField {
  name: string;
  value: string;
}

export interface CardList {
  heading: string;
  items: string[];
  note: string | null;
}

/** Every string is plain text. `details` and `lists` carry user-controlled text; `facts` only numbers and fixed words. */
export interface Card {
  title: Title;
  /** The main link (the admin page), or null when the configured URL is not http(s). */
  url: string | null;
  details: CardField[];
  facts: CardField[];
  /** The reason a whole file failed. */
  error: string | null;
  lists: CardList[];
  footer: string;
  links: Link[];
  timestamp: string;
}

function importCard(n: ImportNotice, now: Date, locale: NoticeLocale): Omit<Card, 'title'> {
  const t = translator(locale.language);
  const rowErrors = shownRowErrors(n, locale);
  const warnings = (n.warnings ?? []).slice(0, MAX_SHOWN_WARNINGS);
  return {
    url: safeUrl(n.adminUrl),
    details: [
      { name: t('notify.file'), value: oneLine(n.fileName, 200) || t('notify.unnamedFile') },
      { name: t('notify.source'), value: t(`source.${n.source}`, { defaultValue: oneLine(n.source, 40) }) },
      ...(n.startedBy ? [{ name: t('notify.startedBy'), value: oneLine(n.startedBy, 120) }] : []),
    ],
    facts: [
      ...countFacts(n, locale).map(({ label, value }) => ({ name: label, value })),
      { name: t('notify.duration'), value: formatDuration(n.durationMs, locale) },
    ],
    error: n.error ? `${oneLine(n.error.code, 60)}: ${oneLine(failureText(t, n.error), 1000)}` : null,
    lists: [
      ...(rowErrors.errors.length > 0
        ? [
            {
              heading: t('notify.rowErrorsHeading'),
              items: rowErrors.errors.map((e) => t('notify.rowLine', e)),
              note: rowErrors.note,
            },
          ]
        : []),
      ...(warnings.length > 0
        ? [
            {
              heading: t('notify.warningsHeading'),
              items: warnings.map((w) => warningLine(w, locale)),
              note: (n.warnings?.length ?? 0) > warnings.length ? t('notify.showingWarnings', { what: counted('notify.warningsCount', warnings.length, locale) }) : null,
            },
          ]
        : []),
    ],
    footer: t('notify.footerImport', { id: oneLine(n.importId, 80), workflow: oneLine(n.workflowId, 120) }),
    links: safeLinks([
      [t('notify.openImport'), n.adminUrl],
      [t('notify.temporalRun'), n.temporalUrl],
    ]),
    timestamp: now.toISOString(),
  };
}

function digestCard(n: DigestNotice, locale: NoticeLocale): Omit<Card, 'title'> {
  const t = translator(locale.language);
  const total = Object.values(n.byStatus).reduce((a, b) => a + b, 0);
  const byStatus = Object.entries(n.byStatus).filter(([, v]) => v > 0);
  const bySource = Object.entries(n.bySource).filter(([, v]) => v > 0);
  const lists: CardList[] = [];
  if (n.topErrors.length > 0) {
    lists.push({ heading: t('notify.topErrors'), items: n.topErrors.slice(0, 10).map((e) => `×${count(e.count, locale)} ${oneLine(e.message, 200)}`), note: null });
  }
  if (n.slowest.length > 0) {
    lists.push({ heading: t('notify.slowest'), items: n.slowest.slice(0, 5).map((i) => `${formatDuration(i.durationMs, locale)} ${oneLine(i.fileName, 120)}`), note: null });
  }
  return {
    url: safeUrl(n.adminUrl),
    details: [
      { name: t('notify.byStatus'), value: byStatus.map(([k, v]) => `${t(`status.${k}`, { defaultValue: oneLine(k, 40) })} ${count(v, locale)}`).join(', ') || t('notify.none') },
      { name: t('notify.bySource'), value: bySource.map(([k, v]) => `${t(`source.${k}`, { defaultValue: oneLine(k, 40) })} ${count(v, locale)}`).join(', ') || t('notify.none') },
    ],
    facts: [
      { name: t('notify.importsLabel'), value: count(total, locale) },
      { name: t('notify.rowsCreated'), value: count(n.rows.created, locale) },
      { name: t('notify.rowsUpdated'), value: count(n.rows.updated, locale) },
      { name: t('notify.rowsFailed'), value: count(n.rows.failed, locale) },
      { name: t('notify.courses'), value: count(n.coursesTotal, locale) },
      { name: t('notify.indexed'), value: n.documentsInIndex === null ? '—' : count(n.documentsInIndex, locale) },
      { name: t('notify.searches'), value: count(n.searches.total, locale) },
      { name: t('notify.noResult'), value: count(n.searches.noResult, locale) },
    ],
    error: null,
    lists,
    footer: t('notify.periodFooter', { period: formatPeriod(n.periodStart, n.periodEnd, locale) }),
    links: safeLinks([[t('notify.openDashboard'), n.adminUrl]]),
    timestamp: n.periodEnd.toISOString(),
  };
}

function alertCard(n: AlertNotice, locale: NoticeLocale): Omit<Card, 'title'> {
  const t = translator(locale.language);
  return {
    url: safeUrl(n.adminUrl),
    details: [
      { name: t('notify.component'), value: oneLine(n.component, 200) },
      { name: t('notify.detail'), value: oneLine(n.detail, 1000) },
    ],
    facts: [{ name: t('notify.since'), value: formatMoment(n.since, locale) }],
    error: null,
    lists: [],
    footer: `alert.${n.kind}`,
    links: safeLinks([[t('notify.openDashboard'), n.adminUrl]]),
    timestamp: n.since.toISOString(),
  };
}

/** The card of a notice in `locale`'s language; `now` stamps an import card (an import notice is sent when the import ends). */
export function cardOf(notice: Notice, locale: NoticeLocale, now: Date = new Date()): Card {
  const title = titleOf(notice, locale);
  switch (notice.type) {
    case 'import':
      return { title, ...importCard(notice, now, locale) };
    case 'digest':
      return { title, ...digestCard(notice, locale) };
    case 'alert':
      return { title, ...alertCard(notice, locale) };
  }
}

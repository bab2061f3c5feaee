// Notice -> a platform-neutral card: what a chat message says, before any platform's markup. Slack, Discord
// and Teams each turn this into their own format and escape it their own way, so they say the same thing.
import type { AlertNotice, DigestNotice, ImportNotice, Notice } from './messages';
import { formatDuration, formatPeriod, formatUtc, MAX_SHOWN_ERRORS, MAX_SHOWN_WARNINGS, oneLine, plural, safeUrl, titleOf, warningLine, type Title } from './format';

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
  links: { label: string; url: string }[];
  timestamp: string;
}

function links(candidates: [string, string][]): Card['links'] {
  return candidates.flatMap(([label, url]) => {
    const safe = safeUrl(url);
    return safe ? [{ label, url: safe }] : [];
  });
}

function importCard(n: ImportNotice, now: Date): Omit<Card, 'title'> {
  const c = n.counts;
  const shown = n.errors.slice(0, MAX_SHOWN_ERRORS);
  const more = n.errors.length > shown.length || c.failed > shown.length;
  const warnings = (n.warnings ?? []).slice(0, MAX_SHOWN_WARNINGS);
  return {
    url: safeUrl(n.adminUrl),
    details: [
      { name: 'File', value: oneLine(n.fileName, 200) || '(unnamed file)' },
      { name: 'Source', value: oneLine(n.source, 40) },
      ...(n.startedBy ? [{ name: 'Started by', value: oneLine(n.startedBy, 120) }] : []),
    ],
    facts: [
      // A file refused before any row was read has only zeros to show.
      ...(c.rows === 0 && n.status === 'failed'
        ? []
        : [
            { name: 'Rows', value: String(c.rows) },
            { name: 'Created', value: String(c.created) },
            { name: 'Updated', value: String(c.updated) },
            { name: 'Unchanged', value: String(c.unchanged) },
            { name: 'Skipped', value: String(c.skipped) },
            { name: 'Failed', value: String(c.failed) },
          ]),
      { name: 'Duration', value: formatDuration(n.durationMs) },
    ],
    error: n.error ? `${oneLine(n.error.code, 60)}: ${oneLine(n.error.message, 1000)}` : null,
    lists: [
      ...(shown.length > 0
        ? [
            {
              heading: 'Row errors',
              items: shown.map((e) => `row ${e.row}, ${oneLine(e.field, 80) || '—'}: ${oneLine(e.message, 300)}`),
              note: more ? `Showing the first ${plural(shown.length, 'row error')}; the admin page lists them all.` : null,
            },
          ]
        : []),
      ...(warnings.length > 0
        ? [
            {
              heading: 'Warnings (values interpreted, columns ignored)',
              items: warnings.map(warningLine),
              note: (n.warnings?.length ?? 0) > warnings.length ? `Showing the first ${plural(warnings.length, 'warning')}; the admin page lists them all.` : null,
            },
          ]
        : []),
    ],
    footer: `Import ${oneLine(n.importId, 80)} · workflow ${oneLine(n.workflowId, 120)}`,
    links: links([
      ['Open the import', n.adminUrl],
      ['Temporal run', n.temporalUrl],
    ]),
    timestamp: now.toISOString(),
  };
}

function digestCard(n: DigestNotice): Omit<Card, 'title'> {
  const total = Object.values(n.byStatus).reduce((a, b) => a + b, 0);
  const byStatus = Object.entries(n.byStatus).filter(([, v]) => v > 0);
  const bySource = Object.entries(n.bySource).filter(([, v]) => v > 0);
  const lists: CardList[] = [];
  if (n.topErrors.length > 0) {
    lists.push({ heading: 'Most frequent row errors', items: n.topErrors.slice(0, 10).map((e) => `×${e.count} ${oneLine(e.message, 200)}`), note: null });
  }
  if (n.slowest.length > 0) {
    lists.push({ heading: 'Slowest imports', items: n.slowest.slice(0, 5).map((i) => `${formatDuration(i.durationMs)} ${oneLine(i.fileName, 120)}`), note: null });
  }
  return {
    url: safeUrl(n.adminUrl),
    details: [
      { name: 'By status', value: byStatus.map(([k, v]) => `${oneLine(k, 40)} ${v}`).join(', ') || 'none' },
      { name: 'By source', value: bySource.map(([k, v]) => `${oneLine(k, 40)} ${v}`).join(', ') || 'none' },
    ],
    facts: [
      { name: 'Imports', value: String(total) },
      { name: 'Rows created', value: String(n.rows.created) },
      { name: 'Rows updated', value: String(n.rows.updated) },
      { name: 'Rows failed', value: String(n.rows.failed) },
      { name: 'Courses', value: String(n.coursesTotal) },
      { name: 'Indexed', value: n.documentsInIndex === null ? '—' : String(n.documentsInIndex) },
      { name: 'Searches', value: String(n.searches.total) },
      { name: 'No result', value: String(n.searches.noResult) },
    ],
    error: null,
    lists,
    footer: `Period ${formatPeriod(n.periodStart, n.periodEnd)}`,
    links: links([['Open the admin dashboard', n.adminUrl]]),
    timestamp: n.periodEnd.toISOString(),
  };
}

function alertCard(n: AlertNotice): Omit<Card, 'title'> {
  return {
    url: safeUrl(n.adminUrl),
    details: [
      { name: 'Component', value: oneLine(n.component, 200) },
      { name: 'Detail', value: oneLine(n.detail, 1000) },
    ],
    facts: [{ name: 'Since', value: formatUtc(n.since) }],
    error: null,
    lists: [],
    footer: `alert.${n.kind}`,
    links: links([['Open the admin dashboard', n.adminUrl]]),
    timestamp: n.since.toISOString(),
  };
}

/** `now` stamps an import card (an import notice is sent when the import ends). */
export function cardOf(notice: Notice, now: Date = new Date()): Card {
  const title = titleOf(notice);
  switch (notice.type) {
    case 'import':
      return { title, ...importCard(notice, now) };
    case 'digest':
      return { title, ...digestCard(notice) };
    case 'alert':
      return { title, ...alertCard(notice) };
  }
}

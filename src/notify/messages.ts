// The notices the pipeline sends, independent of any channel. Email templates and webhook payloads are
// built from these shapes only, so a sender never reaches into the database or the workflow.
import type { ActionCounts, FailureReason, RowErrorRef, WarningRef } from '../contract';

export const IMPORT_OUTCOMES = ['succeeded', 'succeeded_with_errors', 'failed', 'discarded', 'cancelled'] as const;
export type ImportOutcome = (typeof IMPORT_OUTCOMES)[number];

export interface ImportNotice {
  importId: string;
  workflowId: string;
  /** The name the user knows the file by: user-controlled text, escaped by every renderer. */
  fileName: string;
  source: string;
  startedBy: string | null;
  status: ImportOutcome;
  counts: ActionCounts;
  durationMs: number | null;
  /** The first row errors (a bounded sample); the full list stays in PostgreSQL. */
  errors: RowErrorRef[];
  /** The first warnings (file warnings first, then row warnings; a bounded sample). Absent in notices queued before warnings existed. */
  warnings?: WarningRef[];
  /** Why the file as a whole failed (its code and parameters render it in the notice's language); null unless status is 'failed'. */
  error: FailureReason | null;
  /** The import's page in the admin UI. */
  adminUrl: string;
  /** The run in the Temporal Web UI. */
  temporalUrl: string;
}

export interface DigestNotice {
  periodStart: Date;
  periodEnd: Date;
  byStatus: Record<string, number>;
  bySource: Record<string, number>;
  rows: { created: number; updated: number; failed: number };
  topErrors: { message: string; count: number }[];
  slowest: { fileName: string; importId: string; durationMs: number }[];
  coursesTotal: number;
  /** null when Elasticsearch is disabled or could not be asked. */
  documentsInIndex: number | null;
  searches: { total: number; noResult: number };
  adminUrl: string;
}

export const ALERT_KINDS = ['watcher_down', 'watcher_up', 'worker_down', 'worker_up'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export interface AlertNotice {
  kind: AlertKind;
  component: string;
  detail: string;
  since: Date;
  adminUrl: string;
}

export type Notice = ({ type: 'import' } & ImportNotice) | ({ type: 'digest' } & DigestNotice) | ({ type: 'alert' } & AlertNotice);

/** Every event name a route can name; patterns are validated against this list. */
export const NOTICE_EVENTS = [
  'import.succeeded',
  'import.partial',
  'import.failed',
  'import.discarded',
  'import.cancelled',
  'digest.daily',
  ...ALERT_KINDS.map((k) => `alert.${k}` as const),
] as const;
export type NoticeEvent = (typeof NOTICE_EVENTS)[number];

const IMPORT_EVENT: Record<ImportOutcome, NoticeEvent> = {
  succeeded: 'import.succeeded',
  // 'partial' reads better in a route than the status name, and is what operators subscribe to.
  succeeded_with_errors: 'import.partial',
  failed: 'import.failed',
  discarded: 'import.discarded',
  cancelled: 'import.cancelled',
};

/** The routing key of a notice: `import.failed`, `digest.daily`, `alert.watcher_down`, … */
export function eventOf(notice: Notice): NoticeEvent {
  switch (notice.type) {
    case 'import':
      return IMPORT_EVENT[notice.status];
    case 'digest':
      return 'digest.daily';
    case 'alert':
      return `alert.${notice.kind}`;
  }
}

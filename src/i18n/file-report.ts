// The `<file>.report.json` written beside a file in error/ (or processed/ when rows failed), for whoever drops files
// into the watched folder (issue 11). That person has no account and so no chosen language, and one folder is often
// shared by several teams: each failure, row error and warning carries its code and parameters (for scripts) and its
// message in every language of the admin (French and English), rendered from the same catalogues and the same
// renderers as the admin's pages. `message` stays the English sentence the CLI and the logs show.
import type { FailureReason, ImportStatus, RowErrorRef, WarningRef } from '../contract';
import { failureText } from './failure-messages';
import { translator, type Translate } from './i18n';
import { LANGUAGES, type Language } from './languages';
import { problemText } from './row-messages';

/** One text in each language: `{ "fr": "…", "en": "…" }`. */
export type Messages = Record<Language, string>;

/** `render` once per language, with that language's t(). */
export function inEveryLanguage(render: (t: Translate) => string): Messages {
  return Object.fromEntries(LANGUAGES.map((l) => [l, render(translator(l))])) as Messages;
}

/** A whole-file failure as the report holds it. */
export interface ReportedFailure {
  code: string;
  params: Record<string, string | number | boolean | null> | null;
  /** The English sentence of the CLI and the logs. */
  message: string;
  messages: Messages;
}

/** A row error or a warning as the report holds it: where it is, its code and parameters, its messages. */
export type ReportedProblem = (RowErrorRef | WarningRef) & { messages: Messages };

/** The failure of an import, with its message in every language. */
export function reportedFailure(e: FailureReason): ReportedFailure {
  return { code: e.code, params: e.params ?? null, message: e.message, messages: inEveryLanguage((t) => failureText(t, e)) };
}

/** A row error or warning, with its message in every language (its field named in that language). */
export function reportedProblem(p: RowErrorRef | WarningRef): ReportedProblem {
  return { ...p, messages: inEveryLanguage((t) => problemText(t, p)) };
}

/** What the report says of the import, for its `<file>.report.json`. */
export interface FileReportInput {
  importId: string;
  fileName: string;
  status: ImportStatus;
  error: FailureReason | null;
  rowErrors?: readonly RowErrorRef[];
  warnings?: readonly WarningRef[];
  /** The import's page in the admin (every row error and warning is there). */
  importUrl?: string;
}

/** The JSON written as `<file>.report.json`. */
export function fileReport(r: FileReportInput) {
  const rowErrors = r.rowErrors ?? [];
  const warnings = r.warnings ?? [];
  return {
    importId: r.importId,
    file: r.fileName,
    status: r.status,
    statusText: inEveryLanguage((t) => t(`status.${r.status}`, { defaultValue: r.status })),
    ...(r.importUrl ? { importUrl: r.importUrl } : {}),
    error: r.error ? reportedFailure(r.error) : null,
    rowErrors: rowErrors.map(reportedProblem),
    ...(warnings.length ? { warnings: warnings.map(reportedProblem) } : {}),
    // The workflow hands over a bounded sample of the row errors: the page has them all.
    note: rowErrors.length || warnings.length ? inEveryLanguage((t) => t('fileReport.sample', { url: r.importUrl ?? '' })) : undefined,
  };
}

/** The note beside a second copy of a file whose import was running: nothing new was started. */
export function duplicateReport(d: { fileName: string; duplicateOf: string; workflowId: string; importUrl?: string }) {
  return {
    file: d.fileName,
    status: 'duplicate',
    duplicateOf: d.duplicateOf,
    workflowId: d.workflowId,
    ...(d.importUrl ? { importUrl: d.importUrl } : {}),
    note: inEveryLanguage((t) => t('fileReport.duplicate')),
  };
}

// Shared shapes of the domain core. Readers produce SourceRow, normalisation turns a raw row into a
// NormalizedCourse or a list of RowError. Nothing here does I/O.

import { storableMessage } from './pg-text';
import type { RowCode, RowParams } from './row-codes';
import type { FailureCode, FailureParams } from './failure-variants';

export const DIFFICULTIES = ['beginner', 'intermediate', 'advanced', 'all_levels'] as const;
export type Difficulty = (typeof DIFFICULTIES)[number];

export const LEARNING_MODES = ['text', 'video', 'practice', 'mixed'] as const;
export type LearningMode = (typeof LEARNING_MODES)[number];

export const FILE_FORMATS = ['csv', 'json', 'xlsx', 'xls', 'ods', 'xml', 'yaml', 'imscc'] as const;
export type FileFormat = (typeof FILE_FORMATS)[number];

/** How an import treats existing courses (the default, create_or_update, is chosen by name where it applies). */
export const IMPORT_MODES = ['create_only', 'update_only', 'create_or_update'] as const;
export type ImportMode = (typeof IMPORT_MODES)[number];

/** Whether a value from a form, a query string or the CLI names an import mode. */
export function isImportMode(value: unknown): value is ImportMode {
  return (IMPORT_MODES as readonly unknown[]).includes(value);
}

/** One record as read from a file, before validation. Keys are the file's column / property names. */
export interface SourceRow {
  /** What a user sees: the CSV line / sheet row of the record (header = 1), or the 1-based array index in JSON. */
  rowNumber: number;
  raw: Record<string, unknown>;
  /**
   * What the reader had to interpret in this record (a cell read from a formula's cached result, a date cell
   * read as text…): stored as the row's warnings, beside normalisation's own. Absent when nothing was.
   */
  warnings?: RowError[];
  /**
   * Where the record is in the file, for JSON, YAML and XML: a JSON Pointer (RFC 6901) such as "/courses/2" or
   * "/2", or an XPath-like path such as "/courses/course[3]". value-path.ts adds the field's key to it.
   */
  path?: string;
}

/**
 * Something about the file as a whole that was interpreted rather than read as is, or that was skipped:
 * the encoding guessed, the worksheet read, the header row used, a column that matches no field, a table's
 * total row skipped. Stored with the import (imports.warnings) and shown in the summary, the preview, the
 * import's page and the CLI's `--json` output. A warning never fails a row nor the file.
 */
export interface FileWarning {
  /** Stable machine code, e.g. 'encoding_guessed', 'sheet_read', 'header_row', 'unknown_column', 'total_row_skipped'. */
  code: string;
  /** The English sentence (the CLI and logs are English). */
  message: string;
  /**
   * The values of the message (issue 11): pages, emails and chat notices render `rowMessages.<code>` with them in
   * the reader's language (src/i18n/row-messages.ts). Absent on warnings stored before, or from readers that do
   * not give them: the English message is shown then.
   */
  params?: RowParams;
  /** The row / line of the file it is about (same numbering as SourceRow.rowNumber), when it is about one. */
  row?: number;
  /** The column name as written in the file, when it is about one. */
  column?: string;
  /** The course field it is about, when there is one. */
  field?: string;
}

/**
 * Where a reader reports file-level warnings: called for each, in file order. Readers report each kind once
 * (not once per row). The default of every reader drops them (unit tests that do not look at warnings).
 */
export type WarnFn = (w: FileWarning) => void;
export const ignoreWarnings: WarnFn = () => {};

export interface NormalizedLesson {
  title: string;
  content: string | null;
  /** 1-based, contiguous after normalisation. */
  order: number;
  video_url: string | null;
}

export interface NormalizedCourse {
  external_id: string | null;
  title: string;
  description: string;
  category: string | null;
  instructor: string | null;
  duration_hours: number | null;
  difficulty: Difficulty;
  learning_mode: LearningMode;
  price: number;
  is_free: boolean;
  lessons: NormalizedLesson[];
  tags: string[];
  quality_score: number;
  /** Identity of the course across imports: `ext:<external_id>` or `title:<folded title>`. */
  natural_key: string;
  /**
   * Whether the course is published, when the file says (issue 11: exports carry it). Absent: an existing course
   * keeps its own, a new one is active. Not part of the content hash (content-hash.ts): compared on its own.
   */
  is_active?: boolean;
}

export interface RowError {
  /** Column / property the problem is about, or '*' for the row as a whole. */
  field: string;
  /** English, prefixed with the field (and its column when it differs): the CLI, logs and rows stored before codes. */
  message: string;
  /** Stable code of the problem (row-codes.ts): the key of its message in locales/<language>/rowMessages.json. */
  code: RowCode;
  /** Plain JSON values of the message (row-codes.ts names the conventions). */
  params: RowParams;
  /**
   * JSON, YAML and XML rows: where the value is in the file, a JSON Pointer (RFC 6901, "/courses/2/prix") or an
   * XPath-like path ("/courses/course[3]/prix"); set by withValuePaths (value-path.ts) from SourceRow.path.
   */
  path?: string;
}

export type NormalizeResult =
  | { ok: true; course: NormalizedCourse; warnings: RowError[] }
  | { ok: false; errors: RowError[] };

/** A problem with a file as a whole: not retryable, the file goes to error/. */
export class FileValidationError<C extends FailureCode = FailureCode> extends Error {
  override readonly name = 'FileValidationError';
  /** The message's values for the reader's language (the constructor's `params`), as stored (imports.error_params). */
  readonly params?: Record<string, string | number | boolean | null>;
  constructor(
    /**
     * unknown_format, format_mismatch, too_large, unreadable, malformed, unsafe, empty, missing_columns,
     * too_many_rows; unknown_mapping_profile: the import names a column mapping profile that does not exist (any
     * more); too_complex: within the size limit but beyond a bound on what it expands to in memory (nesting too
     * deep, a shared-strings table or a spreadsheet that expands too far: ReaderLimits names each bound).
     */
    readonly code: C,
    message: string,
    /**
     * The message's values, for the reader's language (importFailures.<code>_<context> of the catalogues): sizes
     * in bytes, counts, names as written; `context` picks a variant, one of FAILURE_VARIANTS[code]
     * (failure-variants.ts). A parser's own text is passed as `detail`, untranslated.
     */
    params?: FailureParams<C>,
  ) {
    // The message is stored (imports.error_message, text) and can quote the file (column names): held to what
    // PostgreSQL stores and to a length a report can show.
    super(storableMessage(message.length > MESSAGE_MAX ? `${message.slice(0, MESSAGE_MAX)}…` : message));
    if (params) {
      // An absent optional context is dropped: the stored parameters are plain JSON values.
      const stored: Record<string, string | number | boolean | null> = {};
      for (const [key, value] of Object.entries(params)) if (value !== undefined) stored[key] = value;
      this.params = stored;
    }
  }
}

/** Characters of a FileValidationError's message at most. */
const MESSAGE_MAX = 2000;

/**
 * Bounds on everything that grows with a file's content, checked while it is read (issue 16: no file of a few
 * KB may take the worker's memory or stack). Each breach is a FileValidationError or a row error naming the
 * bound. Defaults in DEFAULT_READER_LIMITS; the worker's come from the environment (src/config.ts).
 */
export interface ReaderLimits {
  /** Bytes; the file is refused above it. */
  maxFileBytes: number;
  /** Rows; reading stops with a FileValidationError above it. */
  maxRows: number;
  /** XLSX / ODS: total uncompressed bytes of all zip entries. */
  maxUncompressedBytes: number;
  /**
   * Levels of arrays and objects, counted from the file's top level (JSON) or from the row (any format: the
   * row's own object is level 1). JSON beyond it is refused while streaming; a row's value beyond it is a row error.
   */
  maxNestingDepth: number;
  /** Characters (UTF-16 code units) of one cell / value; a longer one is a row error naming its field. */
  maxValueChars: number;
  /** Bytes of one row's raw record as staged (UTF-8 JSON); a larger row is a row error. */
  maxRowBytes: number;
  /** XLSX: entries of the shared-strings table (ECMA-376 §18.4.9), all held in memory while the rows are read. */
  maxSharedStrings: number;
  /** XLSX: characters of the shared-strings table in all (texts over maxValueChars count only their kept head). */
  maxSharedStringChars: number;
  /** .xls (BIFF, read whole by SheetJS): bytes of the file. */
  maxXlsBytes: number;
  /** .ods (read whole by SheetJS): bytes of content.xml uncompressed. */
  maxOdsContentBytes: number;
  /** .ods: cells with a value once OpenDocument's repeated rows and columns are expanded (what SheetJS builds). */
  maxSheetCells: number;
  /**
   * Not a bound: when the import reads its file through a column mapping profile (issue 12), the course field each
   * column name feeds, so that the CSV and sheet readers find the header (the title column) by the profile's names.
   * Absent: the field names and their aliases (fields.ts canonicalField).
   */
  headerField?: (columnName: string) => import('./fields').CourseField | undefined;
}

/**
 * The defaults, and why each value:
 * - maxNestingDepth 32: a course is at most 4 levels deep in the file (array → course → lessons → lesson), 6
 *   wrapped; 32 leaves room for any real export and keeps every recursion (JSON.stringify, PostgreSQL's jsonb
 *   parser) far from its stack limit (V8's JSON.stringify overflows near a few thousand levels).
 * - maxValueChars 100 000: 5× the longest field kept (lesson content, 20 000) and 20× a description (5 000,
 *   cut); a lessons cell of 500 lessons of 200 characters fits. Excel itself holds at most 32 767 per cell.
 * - maxRowBytes 1 MiB: a row at every field's limit is ~150 KB; 1 MiB × a batch of 1 000 rows bounds a staging write.
 * - maxSharedStrings 1 000 000 / maxSharedStringChars 32 000 000: a 10 MB workbook of real text holds ~10 M
 *   characters (the benchmark's 25k-course XLSX: 9.7 M); 32 M characters is ≤ 64 MB of heap even as UTF-16.
 * - maxXlsBytes 8 MB: SheetJS's heap at the peak was measured at 76 MB for a 5.9 MB .xls and 134 MB for
 *   11.9 MB (≈ 10 MB of heap per MB of file); 8 MB stays under 100 MB, half the worker's 192 MB heap.
 * - maxOdsContentBytes 40 MB / maxSheetCells 500 000: a 26 MB content.xml (30 000 rows × 7 cells) peaked at
 *   74 MB of heap; repeated rows and columns (number-rows-repeated) can expand a few KB to millions of cells.
 */
export const DEFAULT_READER_LIMITS: ReaderLimits = {
  maxFileBytes: 10 * 1024 * 1024,
  maxRows: 100_000,
  maxUncompressedBytes: 200 * 1024 * 1024,
  maxNestingDepth: 32,
  maxValueChars: 100_000,
  maxRowBytes: 1024 * 1024,
  maxSharedStrings: 1_000_000,
  maxSharedStringChars: 32_000_000,
  maxXlsBytes: 8 * 1024 * 1024,
  maxOdsContentBytes: 40 * 1024 * 1024,
  maxSheetCells: 500_000,
};

// Shared shapes of the domain core. Readers produce SourceRow, normalisation turns a raw row into a
// NormalizedCourse or a list of RowError. Nothing here does I/O.

export const DIFFICULTIES = ['beginner', 'intermediate', 'advanced', 'all_levels'] as const;
export type Difficulty = (typeof DIFFICULTIES)[number];

export const LEARNING_MODES = ['text', 'video', 'practice', 'mixed'] as const;
export type LearningMode = (typeof LEARNING_MODES)[number];

export const FILE_FORMATS = ['csv', 'json', 'xlsx', 'xls', 'ods'] as const;
export type FileFormat = (typeof FILE_FORMATS)[number];

export const IMPORT_MODES = ['create_only', 'update_only', 'create_or_update'] as const;
export type ImportMode = (typeof IMPORT_MODES)[number];

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
}

export interface RowError {
  /** Column / property the problem is about, or '*' for the row as a whole. */
  field: string;
  message: string;
}

export type NormalizeResult =
  | { ok: true; course: NormalizedCourse; warnings: RowError[] }
  | { ok: false; errors: RowError[] };

/** A problem with a file as a whole: not retryable, the file goes to error/. */
export class FileValidationError extends Error {
  override readonly name = 'FileValidationError';
  constructor(
    readonly code:
      | 'unknown_format'
      | 'format_mismatch'
      | 'too_large'
      | 'unreadable'
      | 'malformed'
      | 'unsafe'
      | 'empty'
      | 'missing_columns'
      | 'too_many_rows',
    message: string,
  ) {
    super(message);
  }
}

export interface ReaderLimits {
  /** Bytes; the file is refused above it. */
  maxFileBytes: number;
  /** Rows; reading stops with a FileValidationError above it. */
  maxRows: number;
  /** XLSX: total uncompressed bytes of all zip entries. */
  maxUncompressedBytes: number;
}

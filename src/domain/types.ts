// Shared shapes of the domain core. Readers produce SourceRow, normalisation turns a raw row into a
// NormalizedCourse or a list of RowError. Nothing here does I/O.

export const DIFFICULTIES = ['beginner', 'intermediate', 'advanced', 'all_levels'] as const;
export type Difficulty = (typeof DIFFICULTIES)[number];

export const LEARNING_MODES = ['text', 'video', 'practice', 'mixed'] as const;
export type LearningMode = (typeof LEARNING_MODES)[number];

export const FILE_FORMATS = ['csv', 'json', 'xlsx'] as const;
export type FileFormat = (typeof FILE_FORMATS)[number];

export const IMPORT_MODES = ['create_only', 'update_only', 'create_or_update'] as const;
export type ImportMode = (typeof IMPORT_MODES)[number];

/** One record as read from a file, before validation. Keys are the file's column / property names. */
export interface SourceRow {
  /** What a user sees: the CSV line / sheet row of the record (header = 1), or the 1-based array index in JSON. */
  rowNumber: number;
  raw: Record<string, unknown>;
}

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

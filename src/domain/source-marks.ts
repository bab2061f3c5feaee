// Readers never fail a whole file because of one bad record: they hand the record on with a mark, and
// normalisation turns the mark into a row error (or warning) with the row's number. The keys start with
// "__" so they cannot be mistaken for a course column (unknown columns are ignored anyway).

/** CSV: the record does not have as many fields as the header. Value: FieldCountMark. */
export const FIELD_COUNT_KEY = '__field_count';

export interface FieldCountMark {
  expected: number;
  actual: number;
}

/** JSON: the array element is not an object. Value: a phrase naming what it is ("a string", "null"…). */
export const NOT_AN_OBJECT_KEY = '__not_an_object';

export function describeJsonValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  switch (typeof v) {
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'a boolean';
    default:
      return 'an object';
  }
}

/**
 * A text longer than ReaderLimits.maxValueChars, as a streaming reader keeps it: its length and its first
 * characters only, so that a cell of 50 MB never exists in memory. The row guard (row-guard.ts) turns it into
 * a row error naming the field and the bound.
 */
export class TextTooLong {
  constructor(
    /** Characters (UTF-16 code units) of the whole text. */
    readonly length: number,
    /** Its first characters, for the row's preview. */
    readonly head: string,
  ) {}

  toJSON(): string {
    return `${this.head}… (${this.length} characters)`;
  }
}

// Spreadsheet cells reach the domain as plain values, or (from older readers and tests) as exceljs-shaped values. This turns the latter into the plain values a CSV or
// JSON file would have given, so every later rule sees one vocabulary.

/** A spreadsheet error (#N/A, #DIV/0!…) that a value must not be silently read from. */
export interface CellError {
  error: string;
}

export function isCellError(v: unknown): v is CellError {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as { error?: unknown }).error === 'string'
    && Object.keys(v).length === 1;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

/**
 * Unwraps exceljs shapes: rich text → its text, formula → its cached result, hyperlink → its text.
 * A formula whose cached result is missing or not a number (exceljs parses error results as NaN) becomes a
 * CellError. Anything else is returned unchanged.
 */
export function unwrapCellValue(v: unknown, depth = 0): unknown {
  if (!isRecord(v) || depth > 3) return v;
  if (Array.isArray(v.richText)) {
    return v.richText.map((run) => (isRecord(run) && typeof run.text === 'string' ? run.text : '')).join('');
  }
  if ('formula' in v || 'sharedFormula' in v) {
    const result = v.result;
    if (result === undefined || result === null) {
      return { error: 'the formula has no computed value (save the file in Excel to compute it)' } satisfies CellError;
    }
    if (typeof result === 'number' && !Number.isFinite(result)) {
      return { error: 'the formula returned an error' } satisfies CellError;
    }
    return unwrapCellValue(result, depth + 1);
  }
  if ('hyperlink' in v && 'text' in v) return unwrapCellValue(v.text, depth + 1);
  return v;
}

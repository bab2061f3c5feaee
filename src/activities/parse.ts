import { activityInfo, heartbeat } from '@temporalio/activity';
import type { ActivityDeps } from './deps';
import { readRows } from '../domain/readers';
import { DEFAULT_READER_LIMITS, FileValidationError, type FileFormat, type RowError, type SourceRow } from '../domain/types';
import { guardRow, type RowLimits } from '../domain/row-guard';
import { storableMessage } from '../domain/pg-text';
import { courseJsonAndHash, normalizeCourse } from '../domain/normalize';
import { analyzeStaging, clearStaging, insertStagedRows, lastStagedRow, type StagedRow } from '../db/staging';
import { updateImport } from '../db/imports';
import { createFileWarnings } from '../domain/file-warnings';
import { withValuePaths } from '../domain/value-path';

/**
 * A row as staged (a StagedRow, as JSON text): the raw record (shown on the import's pages) and its
 * normalisation, or its errors. The course's JSON comes from the text its content hash is computed on.
 * The raw record is first held to the row bounds (domain/row-guard.ts: nesting, value length, row size, text
 * PostgreSQL cannot store): a row over a bound fails with that error, unnormalised, so that what is staged
 * is always storable as jsonb and every serialisation below stays within the stack.
 */
export function stagedRowJson(row: SourceRow, limits: RowLimits = DEFAULT_READER_LIMITS): string {
  const guarded = guardRow(row.raw, limits);
  // Each problem carries the path of its value when the format has one (JSON Pointer, XML path): value-path.ts.
  const located = (list: RowError[]) => withValuePaths(row, guarded.raw, list);
  // What the reader interpreted in this record comes first, then the guard's and normalisation's own warnings.
  const readerWarnings = located(storableWarnings(row.warnings, guarded.warnings));
  // A row over a bound is not normalised: it fails with the guard's errors.
  const result = guarded.errors.length > 0 ? undefined : normalizeCourse(guarded.raw);
  if (result === undefined || !result.ok) {
    const failed: StagedRow = {
      row_number: row.rowNumber, raw: guarded.raw, course: null, natural_key: null, content_hash: null,
      errors: located(result === undefined ? guarded.errors : result.errors),
      warnings: readerWarnings.length ? readerWarnings : null,
    };
    return JSON.stringify(failed);
  }
  const { json, contentHash } = courseJsonAndHash(result.course);
  const allWarnings = readerWarnings.length ? [...readerWarnings, ...located(result.warnings)] : located(result.warnings);
  const warnings = allWarnings.length ? JSON.stringify(allWarnings) : 'null';
  return `{"row_number":${row.rowNumber},"raw":${JSON.stringify(guarded.raw)},"course":${json},"natural_key":${JSON.stringify(result.course.natural_key)},"content_hash":"${contentHash}","errors":null,"warnings":${warnings}}`;
}

/** A reader's warnings name columns as written (an .xls header can hold NUL): made storable, then the guard's. */
function storableWarnings(reader: RowError[] | undefined, guard: RowError[]): RowError[] {
  if (!reader || reader.length === 0) return guard;
  const out = reader.map((w) => ({ field: storableMessage(w.field), message: storableMessage(w.message) }));
  return guard.length ? [...out, ...guard] : out;
}

/**
 * Step 2. Streams the file into import_rows in batches, each row validated and normalised on the way (a pure
 * function of the raw row): one write per row instead of a write and a rewrite. Row-level problems are stored
 * beside their row; they never fail the file. While a batch is written, the next one is read and normalised
 * (at most one write in flight, so rows land in order). A first attempt starts from a clean staging area; a
 * retry resumes after the last row already staged (readers are deterministic).
 */
export function parse(deps: ActivityDeps) {
  // Its errors are classified by guardedStep, which wraps it (activities/index.ts).
  return async (args: { importId: string; storedPath: string; format: FileFormat }): Promise<{ rows: number }> => {
    const { importId } = args;
    const { sql, config } = deps;
    let resumeAfter = 0;
    if (activityInfo().attempt === 1) await clearStaging(sql, importId);
    else resumeAfter = await lastStagedRow(sql, importId);

    const write = async (batch: string[], upTo: number) => {
      await insertStagedRows(sql, importId, batch);
      await updateImport(sql, importId, { rows_parsed: upTo, rows_normalized: upTo });
      heartbeat({ rows: upTo });
    };
    let writing: Promise<void> = Promise.resolve();
    let batch: string[] = [];
    let rows = 0;
    // A resumed attempt reads the file from its start again, so it finds the same file warnings.
    const fileWarnings = createFileWarnings();
    try {
      for await (const row of readRows(args.format, args.storedPath, config.limits, fileWarnings.warn)) {
        rows++;
        fileWarnings.seeRow(row);
        if (row.rowNumber <= resumeAfter) continue;
        batch.push(stagedRowJson(row, config.limits));
        if (batch.length >= config.batchSize) {
          await writing;
          writing = write(batch, rows);
          writing.catch(() => {}); // awaited before the next write and after the loop
          batch = [];
        }
      }
    } finally {
      // Also when the file fails as a whole: what was interpreted before the failure helps to fix the file.
      await updateImport(sql, importId, { warnings: fileWarnings.list() });
    }
    await writing;
    await write(batch, rows);
    if (rows === 0) throw new FileValidationError('empty', 'the file has no course rows (only a header, or nothing)');
    await analyzeStaging(sql, rows);
    await updateImport(sql, importId, { step: 'normalize' });
    return { rows };
  };
}

import { activityInfo } from '@temporalio/activity';
import { stepHeartbeat } from './step-heartbeat';
import { parseSlots } from './parse-slots';
import type { ActivityDeps } from './deps';
import { readRows } from '../ingest/readers';
import { DEFAULT_READER_LIMITS, FileValidationError, type FileFormat, type RowError, type SourceRow } from '../domain/types';
import { guardRow, type RowLimits } from '../domain/row-guard';
import { storableMessage } from '../domain/pg-text';
import { courseJsonAndHash, normalizeCourse } from '../domain/normalize';
import { analyzeStaging, clearStaging, insertStagedRows, lastStagedRow, type StagedRow } from '../db/staging';
import { updateImport } from '../db/imports';
import { createFileWarnings } from '../domain/file-warnings';
import { withValuePaths } from '../domain/value-path';
import { applyMapping, headerFieldOf, type MappingRules } from '../domain/mapping';
import { importMappingRules } from '../db/mapping-profiles';
import { estimateRows } from '../imports/step-progress';
import { checkRules, NO_RULES, type ValidationRules } from '../domain/validation-rules';
import { importValidationRules } from '../db/validation-rules';

/**
 * A row read through the import's column mapping profile (issue 12): its record rewritten to course fields before
 * the row guard and normalisation (which read, warn about or refuse each value as for any file).
 */
export function mappedRow(row: SourceRow, rules: MappingRules): SourceRow {
  return { ...row, raw: applyMapping(row.raw, rules) };
}

/**
 * A row as staged (a StagedRow, as JSON text): the raw record (shown on the import's pages) and its
 * normalisation, or its errors. The course's JSON comes from the text its content hash is computed on.
 * The raw record is first held to the row bounds (domain/row-guard.ts: nesting, value length, row size, text
 * PostgreSQL cannot store): a row over a bound fails with that error, unnormalised, so that what is staged
 * is always storable as jsonb and every serialisation below stays within the stack.
 */
export function stagedRowJson(row: SourceRow, limits: RowLimits = DEFAULT_READER_LIMITS, rules: ValidationRules = NO_RULES): string {
  const guarded = guardRow(row.raw, limits);
  // Each problem carries the path of its value when the format has one (JSON Pointer, XML path): value-path.ts.
  const located = (list: RowError[]) => withValuePaths(row, guarded.raw, list);
  // What the reader interpreted in this record comes first, then the guard's and normalisation's own warnings.
  const readerWarnings = located(storableWarnings(row.warnings, guarded.warnings));
  // A row over a bound is not normalised: it fails with the guard's errors.
  const result = guarded.errors.length > 0 ? undefined : normalizeCourse(guarded.raw);
  // The admin's validation rules (issue 12) judge the normalised course: their errors fail the row like any other.
  const ruled = result?.ok ? checkRules(result.course, rules) : undefined;
  if (result === undefined || !result.ok || (ruled !== undefined && ruled.errors.length > 0)) {
    const errors = result === undefined ? guarded.errors : !result.ok ? result.errors : ruled!.errors;
    const failed: StagedRow = {
      row_number: row.rowNumber, raw: guarded.raw, course: null, natural_key: null, content_hash: null,
      errors: located(errors),
      warnings: readerWarnings.length ? readerWarnings : null,
    };
    return JSON.stringify(failed);
  }
  const { json, contentHash } = courseJsonAndHash(result.course);
  const own = ruled && ruled.warnings.length > 0 ? [...result.warnings, ...ruled.warnings] : result.warnings;
  const allWarnings = readerWarnings.length ? [...readerWarnings, ...located(own)] : located(own);
  const warnings = allWarnings.length ? JSON.stringify(allWarnings) : 'null';
  return `{"row_number":${row.rowNumber},"raw":${JSON.stringify(guarded.raw)},"course":${json},"natural_key":${JSON.stringify(result.course.natural_key)},"content_hash":"${contentHash}","errors":null,"warnings":${warnings}}`;
}

/** A reader's warnings name columns as written (an .xls header can hold NUL): made storable, then the guard's. */
function storableWarnings(reader: RowError[] | undefined, guard: RowError[]): RowError[] {
  if (!reader || reader.length === 0) return guard;
  const out = reader.map((w) => ({
    field: storableMessage(w.field),
    message: storableMessage(w.message),
    code: w.code,
    // Parameters quote the file too (a column's name, a value): jsonb cannot hold NUL either.
    params: Object.fromEntries(Object.entries(w.params).map(([k, v]) => [k, typeof v === 'string' ? storableMessage(v) : v])),
  }));
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
  // One bound per worker process: the parses of this worker share it.
  const inSlot = parseSlots(deps.config.worker.maxParses);
  // Its errors are classified by guardedStep, which wraps it (activities/index.ts).
  return (args: ParseArgs): Promise<{ rows: number }> => inSlot(() => parseFile(deps, args));
}

/** What the parse step is given: the import, its file in processing/ and the file's format. */
type ParseArgs = { importId: string; storedPath: string; format: FileFormat };

/** The parse step's work, once its turn has come (parseSlots). */
async function parseFile(deps: ActivityDeps, args: ParseArgs): Promise<{ rows: number }> {
  const { importId } = args;
  const { sql, config } = deps;
  let resumeAfter = 0;
  if (activityInfo().attempt === 1) await clearStaging(sql, importId);
  else resumeAfter = await lastStagedRow(sql, importId);

  const write = async (batch: string[], upTo: number) => {
    await insertStagedRows(sql, importId, batch);
    await updateImport(sql, importId, { rows_parsed: upTo, rows_normalized: upTo });
    stepHeartbeat({ rows: upTo });
  };
  let writing: Promise<void> = Promise.resolve();
  let batch: string[] = [];
  let rows = 0;
  // A resumed attempt reads the file from its start again, so it finds the same file warnings.
  const fileWarnings = createFileWarnings();
  // The snapshot taken when the import started: every attempt reads the file with the same rules.
  const rules = await importMappingRules(sql, importId);
  // The validation rules (issue 12), taken at the first attempt and recorded on the import: a retry applies the same.
  const validation = await importValidationRules(sql, importId);
  // A total for the page's progress bar while the rows are read (issue 11); an unreadable file fails below anyway.
  await updateImport(sql, importId, { rows_expected: await estimateRows(args.format, args.storedPath).catch(() => null) });
  // Alive between batches too: on a busy machine one batch can outlast the heartbeat timeout, and a timed-out
  // attempt that goes on running counts as a crash (guardedStep). A blocked event loop still stops it.
  const alive = setInterval(() => stepHeartbeat(), 1000);
  try {
    // With a profile, the readers find the header by the profile's column names.
    const limits = rules ? { ...config.limits, headerField: headerFieldOf(rules) } : config.limits;
    for await (const read of readRows(args.format, args.storedPath, limits, fileWarnings.warn)) {
      const row = rules ? mappedRow(read, rules) : read;
      rows++;
      fileWarnings.seeRow(row);
      if (row.rowNumber <= resumeAfter) continue;
      batch.push(stagedRowJson(row, config.limits, validation));
      if (batch.length >= config.batchSize) {
        await writing;
        writing = write(batch, rows);
        writing.catch(() => {}); // awaited before the next write and after the loop
        batch = [];
      }
    }
  } finally {
    clearInterval(alive);
    // Also when the file fails as a whole: what was interpreted before the failure helps to fix the file.
    await updateImport(sql, importId, { warnings: fileWarnings.list() });
  }
  await writing;
  await write(batch, rows);
  if (rows === 0) throw new FileValidationError('empty', 'the file has no course rows (only a header, or nothing)', { context: 'noCourseRows' });
  await analyzeStaging(sql, rows);
  await updateImport(sql, importId, { step: 'normalize' });
  return { rows };
}

// An uploaded file (already on disk in incoming/ under formidable's random name) becomes an import: its
// type is checked from its name and first bytes before any workflow starts, so the admin gets a 415 at
// once instead of a failed import; then the same workflow as a dropped file.
import { randomUUID } from 'node:crypto';
import { open, stat, unlink } from 'node:fs/promises';
import type { Client } from '@temporalio/client';
import type { Config } from '../config';
import { importWorkflowId, type ImportSource } from '../contract';
import type { Sql } from '../db/client';
import { forgetQueuedImport, recordQueuedImport } from '../db/import-history';
import { sha256File } from '../ingest/hash';
import { checkFormatMatchesContent, formatFromFileName } from '../ingest/readers/detect';
import { FileValidationError, type ImportMode } from '../domain/types';
import { displayFileName } from '../domain/display-text';
import { startImport, type StartedImport } from '../temporal/start-import';
import { resolveProfile } from '../db/mapping-profiles';
import { failureText, type FailureLike } from '../i18n/failure-messages';
import type { Translate } from '../i18n/i18n';


/**
 * An upload refused before any import started: `status` 400 (empty), 413 (too large) or 415 (unknown type, content
 * not matching its extension); `message` in English (JSON clients, logs); `failure`, when the refusal is a file
 * check's, its code and parameters, so a page can say it in the reader's language (textIn).
 */
export class UploadRefused extends Error {
  override readonly name = 'UploadRefused';
  constructor(
    readonly status: 400 | 413 | 415,
    message: string,
    readonly failure?: FailureLike,
  ) {
    super(message);
  }

  /** The reason in the language of `t` (the file check's failure as failureText tells it), else the English message. */
  textIn(t: Translate): string {
    return this.failure ? failureText(t, this.failure) : this.message;
  }
}

export interface UploadedFile {
  /** formidable's random path inside incoming/. */
  path: string;
  /** The client's name for it: shown and used for the format, never as a path. */
  originalName: string | null | undefined;
}

export interface UploadOptions {
  mode: ImportMode;
  dryRun: boolean;
  startedBy: string;
  source: Extract<ImportSource, 'upload' | 'api'>;
  /** A column mapping profile's name (issue 12): UnknownMappingProfileError (db/mapping-profiles.ts) when unknown. */
  mappingProfile?: string | null;
}

/**
 * The name the admin knows the file by, without any directory part a browser may send ("C:\fakepath\…")
 * and without control or bidirectional characters (see displayFileName).
 */
export function displayName(originalName: string | null | undefined): string {
  return displayFileName(originalName, 'upload');
}

async function head(file: string, bytes = 4096): Promise<Buffer> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await fh.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** Throws UploadRefused (415 unknown type or content not matching, 400 empty); removes the refused file. */
export async function checkUpload(file: UploadedFile): Promise<string> {
  const fileName = displayName(file.originalName);
  try {
    checkFormatMatchesContent(formatFromFileName(fileName), await head(file.path));
    return fileName;
  } catch (err) {
    await unlink(file.path).catch(() => {});
    if (err instanceof FileValidationError) throw new UploadRefused(err.code === 'empty' ? 400 : 415, err.message, { code: err.code, message: err.message, params: err.params ?? null });
    throw err;
  }
}

export async function startUploadImport(
  deps: { sql: Sql; temporal: Client; config: Pick<Config, 'temporal' | 'dryRunTimeoutSeconds' | 'heartbeatTimeoutSeconds'> },
  file: UploadedFile,
  opts: UploadOptions,
): Promise<StartedImport & { fileName: string }> {
  const fileName = await checkUpload(file);
  // An unknown profile refuses the upload before anything is recorded; its version is fixed now.
  const profile = opts.mappingProfile ? await resolveProfile(deps.sql, opts.mappingProfile).catch(async (err: unknown) => {
    await unlink(file.path).catch(() => {});
    throw err;
  }) : undefined;
  const [sha256, { size }] = await Promise.all([sha256File(file.path), stat(file.path)]);
  const importId = randomUUID();
  await recordQueuedImport(deps.sql, {
    id: importId, workflowId: importWorkflowId(sha256, deps.config.temporal.workflowIdPrefix), sha256, fileName, source: opts.source, mode: opts.mode, dryRun: opts.dryRun, sizeBytes: size, startedBy: opts.startedBy,
  });
  const started = await startImport(deps.temporal, deps.config, {
    path: file.path, fileName, source: opts.source, mode: opts.mode, dryRun: opts.dryRun, startedBy: opts.startedBy, importId, sha256,
    ...(profile ? { mappingProfile: profile.name, mappingProfileVersion: profile.version } : {}),
  }).catch(async (err: unknown) => {
    await forgetQueuedImport(deps.sql, importId);
    throw err;
  });
  if (!started.started) {
    // The same content is already being imported: that run has its own copy and its own ledger row.
    await forgetQueuedImport(deps.sql, importId);
    await unlink(file.path).catch(() => {});
  }
  return { ...started, fileName };
}

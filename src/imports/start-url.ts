// "Import from a URL" (issue 12) from the admin form and REST: the file is downloaded into incoming/ under the
// outgoing-request policy (url-download.ts), then started exactly as an upload (start-upload.ts).
import { unlink } from 'node:fs/promises';
import type { Client } from '@temporalio/client';
import type { Config } from '../config';
import type { Sql } from '../db/client';
import type { StartedImport } from '../temporal/start-import';
import { downloadSettings, downloadToIncoming, UrlImportRefused, type DownloadSettings } from './url-download';
import { startUploadImport, type UploadOptions } from './start-upload';

/**
 * Downloads `url` and starts its import as startUploadImport does (same ledger row, same workflow, same duplicate
 * rule). `settings` defaults to the configuration's (downloadSettings). Throws UrlImportRefused for a URL that
 * cannot be imported, UnknownMappingProfileError for an unknown profile; the downloaded file never stays behind
 * a refusal.
 */
export async function startUrlImport(
  deps: { sql: Sql; temporal: Client; config: Pick<Config, 'temporal' | 'dryRunTimeoutSeconds' | 'heartbeatTimeoutSeconds' | 'urlImport' | 'limits' | 'ingestDir'> },
  url: string,
  opts: UploadOptions,
  settings?: DownloadSettings,
): Promise<StartedImport & { fileName: string; sha256: string }> {
  const got = await downloadToIncoming(url, deps.config.ingestDir, settings ?? (await downloadSettings(deps.config)));
  if (got.kind !== 'downloaded') throw new UrlImportRefused(502, 'the server answered 304 Not Modified to an unconditional request', 'http_status');
  try {
    const started = await startUploadImport(deps, { path: got.path, originalName: got.fileName }, opts);
    return { ...started, sha256: got.sha256 };
  } catch (err) {
    await unlink(got.path).catch(() => {});
    throw err;
  }
}

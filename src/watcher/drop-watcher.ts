import { randomUUID } from 'node:crypto';
import { lstat, mkdir, readdir, writeFile } from 'node:fs/promises';
import { moveFile } from '../ingest/move';
import { hostname } from 'node:os';
import path from 'node:path';
import chokidar, { type FSWatcher } from 'chokidar';
import type { Client } from '@temporalio/client';
import type { Config } from '../config';
import type { Sql } from '../db/client';
import type { Logger } from '../logger';
import { getImport, recordRejectedFile } from '../db/imports';
import { beat, forget } from '../db/heartbeats';
import { importIdFromStoredName, INGEST_FOLDERS, ingestPath, storedName } from '../ingest/paths';
import { sha256File } from '../ingest/hash';
import { startImport, type StartedImport } from '../temporal/start-import';
import { formatFromFileName } from '../ingest/readers/detect';
import { checkSize } from '../ingest/readers/file-checks';
import { FileValidationError } from '../domain/types';
import { displayFileName } from '../domain/display-text';
import { duplicateReport, fileReport } from '../i18n/file-report';
import { isOpenForWriting } from './open-files';
import { profileNameProblem } from '../domain/mapping';
import { resolveProfile, UnknownMappingProfileError, type ProfileRef } from '../db/mapping-profiles';

export interface DropWatcherDeps {
  client: Client;
  sql: Sql;
  config: Config;
  logger: Logger;
}

/** Names that are still being written or are not meant for us: editors' and browsers' partial files, dotfiles. */
export function isIgnoredName(name: string): boolean {
  return name.startsWith('.') || name.startsWith('~') || name.endsWith('~') || /\.(tmp|part|partial|crdownload|swp)$/i.test(name);
}

export class DropWatcher {
  private watcher: FSWatcher | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  /** One watcher among several (shared storage, several hosts) is told apart by host and pid. */
  readonly instance = `${hostname()}:${process.pid}`;
  private readonly inFlight = new Set<string>();
  private readonly log: Logger;

  constructor(private readonly deps: DropWatcherDeps) {
    this.log = deps.logger.child({ component: 'watcher' });
  }

  get dropDir(): string {
    return ingestPath(this.deps.config.ingestDir, 'drop');
  }

  /** An import's page in the admin, named in the reports written beside files. */
  private importUrl(importId: string): string {
    return `${this.deps.config.publicUrl}/admin-dashboard/imports/${importId}/`;
  }

  /** Reconciles processing/, then watches drop/ (files already there are handled too). Resolves when ready. */
  async start(): Promise<void> {
    for (const folder of INGEST_FOLDERS) {
      await mkdir(ingestPath(this.deps.config.ingestDir, folder), { recursive: true });
    }
    await this.reconcileProcessing();
    this.watcher = chokidar.watch(this.dropDir, {
      // drop/<file>, and drop/<profile name>/<file>: a subfolder named after a column mapping profile (issue 12).
      depth: 1,
      ignoreInitial: false,
      followSymlinks: false,
      // A file is handled once its size has been stable for a moment (WATCHER_STABLE_MS), and then only once no
      // process has it open for writing (waitUntilClosed): a slow producer's file is not taken half-written.
      awaitWriteFinish: { stabilityThreshold: this.deps.config.watcherStableMs, pollInterval: 100 },
      ignored: (p: string) => p !== this.dropDir && isIgnoredName(path.basename(p)),
    });
    this.watcher.on('add', (p) => void this.handle(p));
    this.watcher.on('change', (p) => void this.handle(p));
    this.watcher.on('addDir', (p) => this.scanNewSubfolder(p));
    this.watcher.on('error', (err) => this.log.error({ err }, 'watch error'));
    await new Promise<void>((resolve) => this.watcher!.once('ready', () => resolve()));
    await this.beat();
    this.heartbeat = setInterval(() => void this.beat(), this.deps.config.health.heartbeatIntervalSeconds * 1000);
    this.log.info({ dropDir: this.dropDir }, 'watching');
  }

  async close(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
    await this.watcher?.close();
    this.watcher = null;
    // A clean stop is reported at once; a crash shows as a heartbeat going stale.
    await forget(this.deps.sql, 'watcher', this.instance).catch((err) => this.log.warn({ err }, 'could not clear the heartbeat'));
  }

  /** The health check's proof of life; a failed beat is only logged, the next one may succeed. */
  private async beat(): Promise<void> {
    await beat(this.deps.sql, 'watcher', this.instance, { dropDir: this.dropDir, pid: process.pid }).catch((err) =>
      this.log.warn({ err }, 'heartbeat failed'),
    );
  }

  /** Handles one file of drop/. Never throws: a failure is logged and the file stays for the next start. */
  async handle(filePath: string): Promise<void> {
    if (this.inFlight.has(filePath)) return;
    this.inFlight.add(filePath);
    try {
      const st = await lstat(filePath).catch(() => null);
      if (!st || st.isSymbolicLink() || !st.isFile()) {
        if (st?.isSymbolicLink()) this.log.warn({ file: filePath }, 'symbolic link ignored');
        return;
      }
      if (!(await this.waitUntilClosed(filePath))) return;
      // The name as shown (ledger, reports, logs, notices): no control or bidirectional characters.
      const fileName = displayFileName(path.basename(filePath), 'file');
      const { limits } = this.deps.config;
      let profile: ProfileRef | undefined;
      try {
        formatFromFileName(fileName);
        checkSize(st.size, limits.maxFileBytes, fileName);
        profile = await this.profileOfFolder(filePath);
      } catch (err) {
        if (err instanceof FileValidationError) return await this.reject(filePath, fileName, st.size, err);
        throw err;
      }
      const started = await startImport(this.deps.client, this.deps.config, {
        path: filePath,
        fileName,
        source: 'drop',
        mode: 'create_or_update',
        dryRun: false,
        startedBy: profile ? `drop-folder:${profile.name}` : 'drop-folder',
        ...(profile ? { mappingProfile: profile.name, mappingProfileVersion: profile.version } : {}),
      });
      this.log.info({ file: fileName, ...started }, started.started ? 'import started' : 'same content already being imported');
      if (!started.started) await this.setAsideDuplicate(filePath, fileName, started);
    } catch (err) {
      // Gone between its detection and its start: another watcher of the same folder (shared storage, a second
      // host) started its import and the workflow moved it, or the producer took it back. Not a failure, and the
      // file does not stay in drop/ (seen with two watchers on one folder, test/integration/multi-worker.test.ts).
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        this.log.info({ file: filePath }, 'the file left drop/ before its import started here (taken by another watcher?)');
        return;
      }
      this.log.error({ err, file: filePath }, 'could not start the import; the file stays in drop/ and is retried at the next start');
    } finally {
      this.inFlight.delete(filePath);
    }
  }

  /**
   * A subfolder of drop/ (a mapping profile's) that appears while watching: a file put into it right after it was
   * made (`mkdir -p drop/x && cp f drop/x/`) can land before chokidar watches it and would never be seen. Its
   * content is read once the watch is surely in place (one stability interval later); a file chokidar reports as
   * well is handled once (handle() is guarded, and the same content starts one workflow).
   */
  private scanNewSubfolder(dir: string): void {
    if (path.resolve(dir) === path.resolve(this.dropDir)) return;
    const timer = setTimeout(() => {
      void readdir(dir, { withFileTypes: true })
        .then((entries) => Promise.all(entries.filter((e) => e.isFile() && !isIgnoredName(e.name)).map((e) => this.handle(path.join(dir, e.name)))))
        .catch((err: unknown) => this.log.warn({ err, dir }, 'could not read a new subfolder of drop/'));
    }, this.deps.config.watcherStableMs);
    timer.unref();
  }

  /**
   * The mapping profile of a file's folder: none in drop/ itself; in drop/<name>/, the latest version of the profile
   * <name>. A subfolder that names no profile refuses the file (to error/ with a report, and a warning in the log)
   * rather than importing it without the mapping it was put there for.
   */
  private async profileOfFolder(filePath: string): Promise<ProfileRef | undefined> {
    const folder = path.dirname(path.resolve(filePath));
    if (folder === path.resolve(this.dropDir)) return undefined;
    const name = path.basename(folder);
    const problem = profileNameProblem(name);
    if (problem) throw new FileValidationError('unknown_mapping_profile', `the folder drop/${displayFileName(name, 'folder')}/ names no mapping profile (${problem}); put the file in drop/ or in drop/<profile name>/`, {
      context: 'folderName',
      folder: displayFileName(name, 'folder'),
    });
    try {
      return await resolveProfile(this.deps.sql, name);
    } catch (err) {
      if (err instanceof UnknownMappingProfileError) {
        throw new FileValidationError('unknown_mapping_profile', `the folder drop/${name}/ names no mapping profile: ${err.message}; create it on the Mapping profiles page (or import it as JSON), then drop the file again`, {
          context: 'folder',
          folder: name,
          profile: err.profile,
        });
      }
      throw err;
    }
  }

  /**
   * Waits while some process has the file open for writing (Linux procfs; elsewhere the size rule alone), then
   * until its size has stayed the same for WATCHER_STABLE_MS. false when the file went away meanwhile.
   */
  private async waitUntilClosed(filePath: string): Promise<boolean> {
    const pause = () => new Promise((r) => setTimeout(r, this.deps.config.watcherStableMs));
    let size = (await lstat(filePath).catch(() => null))?.size;
    let said = false;
    for (;;) {
      if (size === undefined) return false;
      if (await isOpenForWriting(filePath)) {
        if (!said) this.log.info({ file: filePath }, 'waiting: the file is still open for writing');
        said = true;
        await pause();
        size = (await lstat(filePath).catch(() => null))?.size;
        continue;
      }
      if (!said) return true;
      // It was being written a moment ago: its size must now hold still for a full interval.
      await pause();
      const now = (await lstat(filePath).catch(() => null))?.size;
      if (now === size) return true;
      size = now;
    }
  }

  /** Too large or of an unknown type: straight into error/ with a report, and a line in the ledger. */
  private async reject(filePath: string, fileName: string, size: number, err: FileValidationError): Promise<void> {
    const id = randomUUID();
    const dest = ingestPath(this.deps.config.ingestDir, 'error', storedName(id, fileName));
    const sha256 = await sha256File(filePath);
    const report = fileReport({ importId: id, fileName, status: 'failed', error: { code: err.code, message: err.message, ...(err.params ? { params: err.params } : {}) }, importUrl: this.importUrl(id) });
    await writeFile(`${dest}.report.json`, JSON.stringify(report, null, 2) + '\n');
    await moveFile(filePath, dest);
    await recordRejectedFile(this.deps.sql, { id, fileName, sha256, sizeBytes: size, source: 'drop', code: err.code, message: err.message, params: err.params, archivedTo: dest });
    this.log.warn({ file: fileName, importId: id, code: err.code, reason: err.message }, 'file refused');
  }

  /**
   * A second copy of a file whose import is still running: nothing new is started. The very file that the running
   * workflow was started for stays (the workflow moves it); another copy goes to processed/ with a note.
   */
  private async setAsideDuplicate(filePath: string, fileName: string, started: StartedImport): Promise<void> {
    if (!started.runningPath || path.resolve(started.runningPath) === path.resolve(filePath)) return;
    const dest = ingestPath(this.deps.config.ingestDir, 'processed', storedName(randomUUID(), fileName));
    try {
      await moveFile(filePath, dest);
    } catch {
      return; // gone already
    }
    const note = duplicateReport({ fileName, duplicateOf: started.importId, workflowId: started.workflowId, importUrl: this.importUrl(started.importId) });
    await writeFile(`${dest}.report.json`, JSON.stringify(note, null, 2) + '\n');
  }

  /** Files left in processing/ by a crash: a workflow that is not running is started again for the same import. */
  async reconcileProcessing(): Promise<void> {
    const dir = ingestPath(this.deps.config.ingestDir, 'processing');
    for (const name of await readdir(dir)) {
      if (isIgnoredName(name)) continue;
      const filePath = path.join(dir, name);
      const importId = importIdFromStoredName(name);
      const record = importId ? await getImport(this.deps.sql, importId) : null;
      if (!record) {
        // Not ours (copied by hand): hand it to the drop folder like any new file.
        await moveFile(filePath, path.join(this.dropDir, name));
        this.log.warn({ file: name }, 'unknown file in processing/ moved back to drop/');
        continue;
      }
      const status = await this.deps.client.workflow
        .getHandle(record.workflow_id)
        .describe()
        .then((d) => d.status.name)
        .catch(() => 'NOT_FOUND');
      if (status === 'RUNNING') continue;
      const started = await startImport(this.deps.client, this.deps.config, {
        path: filePath,
        fileName: record.file_name,
        source: record.source,
        mode: record.mode,
        dryRun: record.dry_run,
        startedBy: record.started_by,
        importId: record.id,
        sha256: record.sha256,
        // The version it started with, from the ledger (its rules' snapshot is there too).
        ...(record.mapping_profile_name ? { mappingProfile: record.mapping_profile_name, mappingProfileVersion: record.mapping_profile_version ?? null } : {}),
      });
      this.log.info({ file: record.file_name, previous: status, ...started }, 'import resumed from processing/');
    }
  }
}

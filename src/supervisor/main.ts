// `npm start`'s process manager: the worker, the watcher and the admin server, each as its npm script's own
// command line (package.json stays the one definition of flags), restarted with backoff when one dies, all
// stopped on Ctrl-C / SIGTERM with nothing left behind.
// Environment: SUPERVISE (names, default "worker,watcher,server"), SUPERVISOR_BACKOFF_MS (first delay, 1000),
// SUPERVISOR_BACKOFF_MAX_MS (60000), SUPERVISOR_STABLE_MS (60000), SUPERVISOR_GRACE_MS (10000).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { logger } from '../logger';
import { supervise, type ChildState, type ProcessSpec } from './supervise';
import { loadConfig } from '../config';
import { createSql } from '../db/client';
import { beat, forget } from '../db/heartbeats';
import { migrate } from '../db/migrate';
import { hostname } from 'node:os';
import { projectRoot } from '../paths';

const root = projectRoot;
const log = logger.child({ process: 'supervisor' });

/** `node --flag … file.ts` from an npm script: plain words only (the scripts use no shell syntax). */
export function specFromScript(name: string, script: string): ProcessSpec {
  const words = script.trim().split(/\s+/);
  if (words[0] === 'node') return { name, command: process.execPath, args: words.slice(1), cwd: root };
  if (words[0] === 'tsx') return { name, command: process.execPath, args: ['--import', 'tsx', ...words.slice(1)], cwd: root };
  throw new Error(`the npm script "${name}" is not a plain node command: ${script}`);
}

function numberFrom(name: string, fallback: number): number {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v >= 0 ? v : fallback;
}

const scripts = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
const names = (process.env.SUPERVISE ?? 'worker,watcher,server').split(',').map((s) => s.trim()).filter(Boolean);
const specs = names.map((n) => {
  const script = scripts[n];
  if (!script) throw new Error(`no npm script "${n}"`);
  return specFromScript(n, script);
});

// The processes and their restarts, for the monitoring page: a heartbeat of component "supervisor". Without a
// usable database configuration the supervisor still supervises; the page then just does not show it.
const instance = `${hostname()}:${process.pid}`;
const sql = (() => {
  try {
    const config = loadConfig();
    return createSql(config.databaseUrl, 1, config.databaseSchema);
  } catch (err) {
    log.warn({ err }, 'no database configuration: restarts are only in the log');
    return null;
  }
})();
// The heartbeat table is made by the migrations: on a first start with an empty schema, the supervisor's first
// report would come before any child has migrated ("relation component_heartbeats does not exist"). It migrates
// first itself (under the same advisory lock as the children, so they simply wait); a failed attempt (database not
// up yet) is tried again at the next report.
let migrated: Promise<void> | null = null;
function schemaReady(db: NonNullable<typeof sql>): Promise<void> {
  migrated ??= migrate(db).then(
    (applied) => {
      if (applied.length) log.info({ applied }, 'database migrated');
    },
    (err: unknown) => {
      migrated = null;
      throw err;
    },
  );
  return migrated;
}
function report(states: ChildState[]): void {
  if (!sql) return;
  const detail = { processes: states.map((s) => ({ ...s, lastExit: s.lastExit && { ...s.lastExit, at: s.lastExit.at.toISOString() } })) };
  schemaReady(sql)
    .then(() => beat(sql, 'supervisor', instance, detail))
    .catch((err: unknown) => log.warn({ err }, 'could not report to the monitoring page'));
}

const supervisor = supervise(specs, {
  onRestart: report,
  logger: log,
  backoff: { initialMs: numberFrom('SUPERVISOR_BACKOFF_MS', 1000), maxMs: numberFrom('SUPERVISOR_BACKOFF_MAX_MS', 60_000) },
  stableAfterMs: numberFrom('SUPERVISOR_STABLE_MS', 60_000),
  graceMs: numberFrom('SUPERVISOR_GRACE_MS', 10_000),
});

report(supervisor.states());
setInterval(() => report(supervisor.states()), 30_000).unref();

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping every process');
    supervisor.stop().then(
      async () => {
        if (sql) {
          await forget(sql, 'supervisor', instance).catch(() => {});
          await sql.end({ timeout: 2 });
        }
        log.info('stopped; no process left');
        process.exit(0);
      },
      (err: unknown) => {
        log.error({ err }, 'stop failed');
        process.exit(1);
      },
    );
  });
}

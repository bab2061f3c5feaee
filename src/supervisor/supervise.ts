// A tiny process supervisor for `npm start` (machines without systemd): runs each process, restarts one that
// dies with exponential backoff and says so in the log, and on stop leaves nothing behind. Each child runs in
// its own process group (detached), so a Ctrl-C reaches the supervisor only, and stopping kills a child's
// whole group (anything it spawned included).
import { spawn, type ChildProcess } from 'node:child_process';
import type { Logger } from '../logger';

export interface ProcessSpec {
  /** worker, watcher, server: the name in the log. */
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export interface SuperviseOptions {
  logger: Logger;
  /** First restart delay in milliseconds (doubling with each crash in a row), and its ceiling. */
  backoff: { initialMs: number; maxMs: number };
  /** A process that ran this long (milliseconds) before dying starts again from the initial delay. */
  stableAfterMs: number;
  /** Milliseconds between SIGTERM and SIGKILL when stopping. */
  graceMs: number;
  /** Where a child's stdout and stderr go (default: this process's, so its JSON lines stay one stream). */
  stdio?: 'inherit' | 'pipe';
  /** Called after a child exited and its restart was planned, with every child's state (for the monitoring page). */
  onRestart?: (states: ChildState[]) => void;
}

export interface ChildState {
  name: string;
  pid: number | null;
  restarts: number;
  lastExit: { code: number | null; signal: NodeJS.Signals | null; at: Date } | null;
}

export interface Supervisor {
  /** The state of each process, for the log and for tests. */
  states(): ChildState[];
  /** SIGTERM to every group, SIGKILL after graceMs; resolves when every child has exited. */
  stop(): Promise<void>;
}

/** The delay before the n-th restart in a row (n ≥ 1): initialMs · 2^(n−1), at most maxMs. */
export function restartDelay(n: number, backoff: { initialMs: number; maxMs: number }): number {
  return Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.max(0, n - 1));
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

/** Starts every process and keeps it running until stop(). */
export function supervise(specs: ProcessSpec[], opts: SuperviseOptions): Supervisor {
  let stopping = false;
  const running = new Map<string, ChildProcess>();
  const timers = new Set<NodeJS.Timeout>();
  const states = new Map<string, ChildState & { crashesInARow: number; startedAt: number }>();

  const start = (spec: ProcessSpec) => {
    const state = states.get(spec.name) ?? { name: spec.name, pid: null, restarts: 0, lastExit: null, crashesInARow: 0, startedAt: 0 };
    states.set(spec.name, state);
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: { ...process.env, ...spec.env, SERVICE_NAME: spec.name },
      stdio: ['ignore', opts.stdio ?? 'inherit', opts.stdio ?? 'inherit'],
      detached: true,
    });
    running.set(spec.name, child);
    state.pid = child.pid ?? null;
    state.startedAt = Date.now();
    opts.logger.info({ process: spec.name, pid: child.pid, restarts: state.restarts }, `${spec.name} spawned`);
    child.once('error', (err) => opts.logger.error({ err, process: spec.name }, `${spec.name} could not be started`));
    child.once('exit', (code, signal) => {
      running.delete(spec.name);
      state.pid = null;
      state.lastExit = { code, signal, at: new Date() };
      if (stopping) return;
      state.crashesInARow = Date.now() - state.startedAt >= opts.stableAfterMs ? 1 : state.crashesInARow + 1;
      const delay = restartDelay(state.crashesInARow, opts.backoff);
      state.restarts += 1;
      opts.logger.warn(
        { process: spec.name, code, signal, restartInMs: delay, restarts: state.restarts },
        `${spec.name} exited (${signal ?? `code ${code}`}); restarting it in ${delay} ms`,
      );
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (!stopping) start(spec);
      }, delay);
      timers.add(timer);
      opts.onRestart?.(publicStates());
    });
  };

  const publicStates = (): ChildState[] => [...states.values()].map(({ name, pid, restarts, lastExit }) => ({ name, pid, restarts, lastExit }));
  for (const spec of specs) start(spec);

  return {
    states: publicStates,
    async stop() {
      stopping = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      const children = [...running.values()];
      const exited = children.map((c) => new Promise<void>((resolve) => (c.exitCode !== null || c.signalCode !== null ? resolve() : c.once('exit', () => resolve()))));
      for (const c of children) killGroup(c, 'SIGTERM');
      const killer = setTimeout(() => {
        for (const c of children) killGroup(c, 'SIGKILL');
      }, opts.graceMs);
      await Promise.all(exited);
      clearTimeout(killer);
      // A child's own children may outlive it: its group goes too.
      for (const c of children) {
        if (c.pid === undefined) continue;
        try {
          process.kill(-c.pid, 'SIGKILL');
        } catch {
          // the group is empty: nothing left
        }
      }
    },
  };
}

// The real worker as a child process (`npm run worker`'s command), and its memory read from /proc.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');

/** The worker's command line exactly as `npm run worker` (and so `npm start`) runs it, V8 flags included. */
async function workerArgs(): Promise<string[]> {
  const pkg = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const [node, ...args] = pkg.scripts.worker!.split(/\s+/);
  if (node !== 'node') throw new Error(`package.json's worker script should start with node: ${pkg.scripts.worker}`);
  // BENCH_WORKER_FLAGS adds Node flags to the worker only, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile it.
  const extra = process.env.BENCH_WORKER_FLAGS?.split(/\s+/).filter(Boolean) ?? [];
  return [...extra, ...args];
}

export interface WorkerProcess {
  pid: number;
  /** Peak resident memory (MB) since the last reset, from VmHWM and our own sampling of VmRSS. */
  peakRssMb(): Promise<number>;
  /** Starts a new peak window (clear_refs 5 resets VmHWM; the sampler's maximum is reset too). */
  resetPeak(): Promise<void>;
  stop(): Promise<void>;
}

async function statusMb(pid: number, field: 'VmHWM' | 'VmRSS'): Promise<number> {
  const text = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text);
  return m ? Number(m[1]) / 1024 : 0;
}

export async function startWorkerProcess(env: NodeJS.ProcessEnv): Promise<WorkerProcess> {
  // info level only to see "worker started"; the rest of its log is dropped (stderr stays visible).
  const child: ChildProcess = spawn(process.execPath, await workerArgs(), {
    cwd: root,
    env: { ...env, LOG_LEVEL: 'info', SERVICE_NAME: 'bench-worker' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not start the worker process');
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const timer = setTimeout(() => reject(new Error('the worker did not start within 120 s')), 120_000);
    lines.on('line', (line) => {
      if (line.includes('"worker started"')) {
        clearTimeout(timer);
        resolve();
      } else if (line.includes('"level":60') || line.includes('"level":50')) process.stderr.write(`[worker] ${line}\n`);
    });
    void exited.then((code) => reject(new Error(`the worker exited with ${code} before it started`)));
  });

  let sampled = 0;
  const timer = setInterval(() => void statusMb(pid, 'VmRSS').then((mb) => (sampled = Math.max(sampled, mb))), 100);
  timer.unref();
  return {
    pid,
    async peakRssMb() {
      return Math.max(sampled, await statusMb(pid, 'VmHWM'), await statusMb(pid, 'VmRSS'));
    },
    async resetPeak() {
      await writeFile(`/proc/${pid}/clear_refs`, '5').catch(() => {});
      sampled = await statusMb(pid, 'VmRSS');
    },
    async stop() {
      clearInterval(timer);
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

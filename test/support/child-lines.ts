// A child process's output read as a person reads a log: line by line, stdout and stderr alike, each JSON line
// (pino's) parsed. Used by the tests that run the real processes (supervisor, first start).
import type { ChildProcess } from 'node:child_process';

/** One line of a child's output: the raw text, and its JSON object when it is one (a pino log line), else null. */
export interface ChildLine {
  raw: string;
  json: Record<string, unknown> | null;
}

/** Calls `onLine` for each complete line the child writes to stdout or stderr (a partial line waits for its end). */
export function onChildLines(child: ChildProcess, onLine: (line: ChildLine) => void): void {
  for (const stream of [child.stdout, child.stderr]) {
    let buffer = '';
    stream?.on('data', (d: Buffer) => {
      buffer += d.toString();
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const raw = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        let json: Record<string, unknown> | null = null;
        try {
          const parsed: unknown = JSON.parse(raw);
          if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) json = parsed as Record<string, unknown>;
        } catch {
          // not a JSON line (a child's stderr)
        }
        onLine({ raw, json });
      }
    });
  }
}

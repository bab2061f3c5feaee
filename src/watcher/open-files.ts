// Whether some process still has a file open for writing: the part of the watcher's readiness rule that a size
// check cannot give (a producer writing one byte a second keeps a file's size "stable" for most of each second).
// Linux tells it through procfs (proc(5): /proc/<pid>/fd/<n> links to the open file, /proc/<pid>/fdinfo/<n> has
// its open flags in octal); elsewhere, or for processes we may not inspect, the answer is "cannot tell".

import { readdir, readFile, readlink, realpath } from 'node:fs/promises';

const O_ACCMODE = 0o3;
const O_WRONLY = 0o1;
const O_RDWR = 0o2;

/**
 * true: a process has `filePath` open for writing (O_WRONLY or O_RDWR); false: none has, as far as procfs shows;
 * null: this platform cannot tell (no /proc). Processes of other users are only visible when running as root;
 * a producer running as another user is then covered by the size-stability rule alone.
 */
export async function isOpenForWriting(filePath: string, proc = '/proc'): Promise<boolean | null> {
  let pids: string[];
  try {
    pids = (await readdir(proc)).filter((n) => /^\d+$/.test(n));
  } catch {
    return null;
  }
  const target = await realpath(filePath).catch(() => filePath);
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = await readdir(`${proc}/${pid}/fd`);
    } catch {
      continue; // gone, or not ours to look at
    }
    for (const fd of fds) {
      const link = await readlink(`${proc}/${pid}/fd/${fd}`).catch(() => null);
      if (link !== target) continue;
      const info = await readFile(`${proc}/${pid}/fdinfo/${fd}`, 'utf8').catch(() => '');
      const flags = /^flags:\s*([0-7]+)/m.exec(info)?.[1];
      if (flags === undefined) return true; // open, flags unknown: assume it may be written
      const mode = Number.parseInt(flags, 8) & O_ACCMODE;
      if (mode === O_WRONLY || mode === O_RDWR) return true;
    }
  }
  return false;
}

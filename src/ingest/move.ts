import { copyFile, rename, unlink } from 'node:fs/promises';

/**
 * rename(2) when source and destination share a filesystem (atomic); across filesystems — the ingest folders as
 * separate volumes, as in infra/docker-compose.yml — a copy under a temporary name, a rename into place, then
 * the unlink of the source. A crash in between leaves the source in place, so a retry simply moves it again.
 */
export async function moveFile(src: string, dest: string): Promise<void> {
  try {
    await rename(src, dest);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
    const tmp = `${dest}.part`;
    await copyFile(src, tmp);
    await rename(tmp, dest);
    await unlink(src);
  }
}

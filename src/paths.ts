// Where the project's files are (views, locales, migrations, public/, the workflows' source), whether this code
// runs from its TypeScript source (src/…, through tsx) or from the build (dist/*.js, bundled by esbuild: every
// module's import.meta.url is then the bundle's). Paths are taken from the project root, never from a module's
// own place in the tree.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_NAME = 'course-import';

/**
 * The checkout's root: the nearest folder above `from` (a file path) whose package.json is this project's.
 * Throws when there is none (the code was copied out of its checkout).
 */
export function findProjectRoot(from: string): string {
  for (let dir = path.dirname(from); ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === PACKAGE_NAME) return dir;
      } catch {
        // Not JSON: not ours; keep climbing.
      }
    }
    if (path.dirname(dir) === dir) throw new Error(`no ${PACKAGE_NAME} package.json above ${from}`);
  }
}

/** The project root (absolute), e.g. /srv/course-import. */
export const projectRoot = findProjectRoot(fileURLToPath(import.meta.url));

/** An absolute path inside the project, from root-relative parts: projectPath('views', 'email'). */
export function projectPath(...parts: string[]): string {
  return path.join(projectRoot, ...parts);
}

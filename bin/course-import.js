#!/usr/bin/env node
// `npx course-import`: runs the built CLI (dist/cli.js, from `npm run build`: plain JavaScript, no TypeScript
// compiled at start) while it is at least as new as the source; otherwise the TypeScript source through tsx, so a
// checkout works without a build step and an edited source is never shadowed by an old build.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The newest modification time (ms) of the files under dir. */
function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

const built = path.join(root, 'dist', 'cli.js');
const current = existsSync(built) && statSync(built).mtimeMs >= Math.max(newest(path.join(root, 'src')), statSync(path.join(root, 'package.json')).mtimeMs);
if (current) {
  await import(built);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}

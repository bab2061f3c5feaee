import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from './paths';

const root = projectRoot;
const KEYS = ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'TEMPORAL_NAMESPACE', 'TEMPORAL_UI_URL', 'ELASTICSEARCH_URL'];

/**
 * For commands a person types in a fresh shell (`npx course-import`, `npm run create-admin`): when no
 * DATABASE_URL is given and the local stack of this checkout exists, use its addresses, as `npm start` does.
 */
export function applyLocalStackEnv(env: NodeJS.ProcessEnv = process.env): void {
  if (env.DATABASE_URL || !existsSync(path.join(root, '.stack', 'run'))) return;
  const out = execFileSync('bash', ['-c', 'eval "$(bash infra/stack.sh env)" && env -0'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  for (const entry of out.split('\0')) {
    const eq = entry.indexOf('=');
    const key = entry.slice(0, eq);
    if (KEYS.includes(key) && env[key] === undefined) env[key] = entry.slice(eq + 1);
  }
}

// What `npm start` tells the person who ran it: where to drop files, where results and failed files go, and where
// the admin and the Temporal Web UI are. Read from the same configuration the processes read (INGEST_DIR, PORT,
// HOST, TEMPORAL_UI_URL), so the folders printed are the folders watched, wherever INGEST_DIR points.
// Run as a script (infra/start.sh) it also creates the ingest folders, and a bad configuration stops `npm start`
// here with the config module's message, before anything is started.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfig, type Config } from '../config';
import { INGEST_FOLDERS, ingestPath } from '../ingest/paths';

/** The admin's address as a browser on this machine reaches it: a wildcard listen address is reached on loopback. */
function adminUrl(server: Config['server']): string {
  const host = server.host === '0.0.0.0' || server.host === '::' || server.host === '' ? '127.0.0.1' : server.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${server.port}/admin-dashboard/`;
}

/** The `[start] …` lines printed by `npm start`, for this configuration. */
export function startBanner(config: Pick<Config, 'ingestDir' | 'server' | 'temporal'>): string[] {
  const folder = (name: 'drop' | 'processed' | 'error') => `${ingestPath(config.ingestDir, name)}${path.sep}`;
  return [
    `[start] worker and watcher running; drop files into ${folder('drop')}`,
    `[start] imported files go to ${folder('processed')}; failed files, each with its <file>.report.json, to ${folder('error')}`,
    `[start] Temporal Web UI: ${config.temporal.uiUrl}`,
    `[start] admin: ${adminUrl(config.server)} (first time: npm run create-admin -- --email you@example.com, or start with ADMIN_EMAIL and ADMIN_PASSWORD set)`,
  ];
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const config = loadConfig();
    for (const f of INGEST_FOLDERS) mkdirSync(ingestPath(config.ingestDir, f), { recursive: true });
    process.stderr.write(`${startBanner(config).join('\n')}\n`);
  } catch (err) {
    process.stderr.write(`[start] ${err instanceof ConfigError ? err.message : String(err)}\n`);
    process.exit(1);
  }
}

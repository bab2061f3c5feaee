import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Sql } from './client';
import { projectPath } from '../paths';

const migrationsDir = projectPath('src', 'db', 'migrations');

/**
 * Applies the numbered files of migrations/ that are not yet recorded, each in its own transaction.
 * An advisory lock lets the worker, watcher and server start together without racing.
 */
export async function migrate(sql: Sql): Promise<string[]> {
  const files = (await readdir(migrationsDir)).filter((f) => /^\d{3}_.+\.sql$/.test(f)).sort();
  const applied: string[] = [];
  await sql.begin(async (tx) => {
    await tx`SELECT pg_advisory_xact_lock(7345120001)`;
    const [row] = await tx<{ schema: string }[]>`SELECT current_setting('search_path') AS schema`;
    const schema = row?.schema ?? 'public';
    if (schema !== 'public' && /^[a-z_][a-z0-9_]*$/.test(schema)) await tx.unsafe(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await tx`CREATE TABLE IF NOT EXISTS schema_migrations (version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`;
    const done = new Set((await tx<{ version: string }[]>`SELECT version FROM schema_migrations`).map((r) => r.version));
    for (const file of files) {
      if (done.has(file)) continue;
      await tx.unsafe(await readFile(path.join(migrationsDir, file), 'utf8'));
      await tx`INSERT INTO schema_migrations (version) VALUES (${file})`;
      applied.push(file);
    }
  });
  return applied;
}

// Where a write to the course index goes: the alias, and while a full reindex runs, also its new index, so a
// course indexed or deleted during the copy is right in the new index when the alias switches.
import type { Sql } from '../db/client';
import { runningReindex } from '../db/reindexes';

export async function writeTargets(sql: Sql, alias: string): Promise<string[]> {
  const running = await runningReindex(sql, alias);
  return running ? [alias, running.target_index] : [alias];
}

// The state of the course index for operators: cluster health, which index the alias points to, its size,
// and the reindex in progress (from PostgreSQL's marker).
import type { Sql } from '../db/client';
import { latestReindex, runningReindex } from '../db/reindexes';
import type { SearchClient } from './client';
import { aliasIndices } from './reindex';

export interface SearchStatus {
  enabled: boolean;
  reachable: boolean;
  cluster: { name: string; status: string; nodes: number } | null;
  alias: string;
  indices: string[];
  documents: number | null;
  storeBytes: number | null;
  reindex: { running: boolean; id: string; target: string; copied: number; startedAt: string; finishedAt: string | null; status: string; error: string | null } | null;
  error: string | null;
}

export async function searchStatus(es: SearchClient | null, sql: Sql, alias: string): Promise<SearchStatus> {
  const rec = (await runningReindex(sql, alias)) ?? (await latestReindex(sql, alias));
  const reindex = rec
    ? {
        running: rec.status === 'running',
        id: rec.id,
        target: rec.target_index,
        copied: rec.copied,
        startedAt: rec.started_at.toISOString(),
        finishedAt: rec.finished_at?.toISOString() ?? null,
        status: rec.status,
        error: rec.error,
      }
    : null;
  const base: SearchStatus = { enabled: es !== null, reachable: false, cluster: null, alias, indices: [], documents: null, storeBytes: null, reindex, error: null };
  if (!es) return base;
  try {
    // cluster.health, not info()/ping(): the local build has no GET /.
    const health = await es.cluster.health({ timeout: '5s' });
    base.reachable = true;
    base.cluster = { name: health.cluster_name, status: health.status, nodes: health.number_of_nodes };
    base.indices = await aliasIndices(es, alias);
    if (base.indices.length) {
      const stats = await es.indices.stats({ index: alias, metric: ['docs', 'store'] });
      base.documents = stats._all.primaries?.docs?.count ?? null;
      base.storeBytes = stats._all.primaries?.store?.size_in_bytes ?? null;
    }
  } catch (err) {
    base.error = err instanceof Error ? err.message : String(err);
  }
  return base;
}

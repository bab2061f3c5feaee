// A full reindex from PostgreSQL: a new index `<alias>_v<timestamp>` with the current mapping, every course
// copied into it, then one atomic `_aliases` call moves the alias; searches use the old index until that call
// and the new one after it, never nothing. The old indices are deleted after the switch.
import { errors, type estypes } from '@elastic/elasticsearch';
import type { SearchClient } from './client';
import type { Sql } from '../db/client';
import { allDocuments, pageOf } from '../db/search-documents';
import { courseMappings, indexSettings } from './mapping';
import { indexPages } from './paged-indexing';

export function newIndexName(alias: string, at: Date): string {
  return `${alias}_v${at.getTime()}`;
}

/** The index(es) the alias points to now (empty when the alias does not exist). */
export async function aliasIndices(es: SearchClient, alias: string): Promise<string[]> {
  try {
    const res = await es.indices.getAlias({ name: alias });
    return Object.keys(res);
  } catch (err) {
    if (err instanceof errors.ResponseError && err.statusCode === 404) return [];
    throw err;
  }
}

/**
 * Creates the target index; a retried activity finds it already there. It is built without periodic refreshes
 * (each one writes a new segment that later merges cost again): `openForSearch` refreshes it once, at the end.
 */
export async function createTargetIndex(es: SearchClient, name: string): Promise<void> {
  try {
    await es.indices.create({ index: name, settings: { ...indexSettings, refresh_interval: '-1' }, mappings: courseMappings });
  } catch (err) {
    if (err instanceof errors.ResponseError && err.body?.error?.type === 'resource_already_exists_exception') return;
    throw err;
  }
}

export interface CopyOptions {
  sql: Sql;
  es: SearchClient;
  bulkSize: number;
  concurrency: number;
  /** Resume point of a retried copy. */
  from?: { after: number; copied: number };
  onProgress?: (progress: { after: number; copied: number }) => Promise<void> | void;
}

/** Copies every course from PostgreSQL into `target`, keyset pages by id; returns how many were copied in all. */
export async function copyAllCourses(opts: CopyOptions, target: string): Promise<number> {
  const before = opts.from?.copied ?? 0;
  const copied = await indexPages({
    es: opts.es,
    targets: [target],
    concurrency: opts.concurrency,
    startAfter: opts.from?.after ?? 0,
    readPage: (after) => pageOf(allDocuments(opts.sql, after, opts.bulkSize), opts.bulkSize),
    onProgress: (p) => opts.onProgress?.({ after: p.after, copied: before + p.indexed }),
  });
  return before + copied;
}

/** Puts the built index back on Elasticsearch's default refresh interval and makes everything in it searchable. */
export async function openForSearch(es: SearchClient, target: string): Promise<void> {
  // null puts the setting back to its default (1 s, skipped while the shard is search-idle); the client's types
  // do not list null, the API accepts it.
  const byDefault = null as unknown as estypes.Duration;
  await es.indices.putSettings({ index: target, settings: { refresh_interval: byDefault } });
  await es.indices.refresh({ index: target });
}

/**
 * Moves the alias to `target` in one `_aliases` call (remove from the old indices, add to the new), then
 * deletes the old indices. Idempotent: a retry after the switch finds the alias already on `target`.
 */
export async function switchAlias(es: SearchClient, alias: string, target: string): Promise<{ previous: string[] }> {
  const current = await aliasIndices(es, alias);
  const previous = current.filter((i) => i !== target);
  if (!current.includes(target) || previous.length > 0) {
    await es.indices.updateAliases({
      actions: [...previous.map((index) => ({ remove: { index, alias } })), { add: { index: target, alias } }],
    });
  }
  if (previous.length) {
    // A search that resolved the alias to an old index just before the switch may still be running on it; deleting
    // the index under it fails its shards (no_shard_available_action_exception, seen under load). So the old
    // indices go once no search task names them (Elasticsearch's task management API), OLD_INDEX_DRAIN_MS at most.
    await searchesDrained(es, previous, OLD_INDEX_DRAIN_MS);
    await es.indices.delete({ index: previous.join(','), ignore_unavailable: true });
  }
  return { previous };
}

/** Milliseconds at most between moving the alias and deleting the old indices, while searches on them finish. */
export const OLD_INDEX_DRAIN_MS = 5000;

/** Resolves once no running search task names one of `indices` (or after `maxMs`; a failed task listing ends it too). */
async function searchesDrained(es: SearchClient, indices: string[], maxMs: number): Promise<void> {
  const deadline = Date.now() + maxMs;
  while (Date.now() < deadline) {
    const res = await es.tasks.list({ actions: 'indices:data/read/search*', detailed: true }).catch(() => null);
    if (!res) return;
    const running = Object.values(res.nodes ?? {}).flatMap((n) => Object.values(n.tasks ?? {}));
    if (!running.some((task) => indices.some((i) => (task.description ?? '').includes(i)))) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Elasticsearch's largest segment made by merging (`index.merge.policy.max_merged_segment`, 5 GB by default). A
 * segment above it is left out of later merges until mostly deleted documents, hence no forced merge beyond it.
 */
const MAX_MERGED_SEGMENT_BYTES = 5 * 1024 ** 3;

/**
 * Starts merging a freshly built, already searchable index `index` into as few segments as Elasticsearch's
 * largest merged segment allows (one up to 5 GB of store), in the background: `_forcemerge` with
 * `wait_for_completion=false` returns a task at once and searches keep running on the current segments meanwhile.
 * Why: a bulk-built index ends with ten or more segments, and every search pays per segment (its terms looked up,
 * its postings and completion FST walked, once in each); over 1,000,000 courses one segment instead of eleven took
 * the search load's p95 from 134–164 ms to 72–97 ms (benchmark W5). Elasticsearch's guidance ("Tune for search
 * speed", force-merge read-only indices) is met as far as it applies here: the index is complete, imports later
 * change a small share of it, and a segment under the 5 GB limit stays eligible for ordinary merges.
 * Returns the task id (`node:number`, for the tasks API) and the segment count asked for. Throws the client's errors.
 */
export async function startForceMerge(es: SearchClient, index: string): Promise<{ task: string | null; maxNumSegments: number }> {
  const stats = await es.indices.stats({ index, metric: 'store' });
  const bytes = stats._all.primaries?.store?.size_in_bytes ?? 0;
  const maxNumSegments = Math.max(1, Math.ceil(bytes / MAX_MERGED_SEGMENT_BYTES));
  const res = await es.indices.forcemerge({ index, max_num_segments: maxNumSegments, wait_for_completion: false });
  return { task: res.task ?? null, maxNumSegments };
}

/**
 * Waits for a background task of Elasticsearch (a force merge started by startForceMerge) to end, `timeoutMs`
 * milliseconds at most, asking the tasks API once a second (a request held open for minutes is cut by the HTTP
 * client). A task that has ended is not always found afterwards: its result is written to the `.tasks` index
 * after it ends, and the API answers 404 ("isn't running and hasn't stored its results") in between, or when
 * that write failed; a 404 means it is no longer running, which is what is waited for. Throws when the task's
 * stored result is an error, when it is still running after `timeoutMs`, and the client's other errors.
 */
export async function waitForTask(es: SearchClient, task: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await es.tasks.get({ task_id: task }).catch((err: unknown) => {
      if (err instanceof errors.ResponseError && err.statusCode === 404) return null;
      throw err;
    });
    if (res === null) return;
    if (res.completed) {
      if (res.error) throw new Error(`Elasticsearch task ${task} failed: ${JSON.stringify(res.error)}`);
      return;
    }
    if (Date.now() > deadline) throw new Error(`Elasticsearch task ${task} still running after ${Math.round(timeoutMs / 1000)} s`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

/** A failed reindex leaves the alias where it was and removes its half-built index. */
export async function dropTargetIndex(es: SearchClient, alias: string, target: string): Promise<void> {
  const current = await aliasIndices(es, alias);
  if (current.includes(target)) return;
  await es.indices.delete({ index: target, ignore_unavailable: true });
}

import { errors, type estypes } from '@elastic/elasticsearch';
import type { SearchClient } from './client';
import { CATEGORY_FIELDS, courseMappings, indexSettings } from './mapping';
import type { IndexableCourse } from '../db/search-documents';

export class BulkItemError extends Error {
  override readonly name = 'BulkItemError';
  constructor(
    message: string,
    /** A 429 or 5xx is worth retrying; a mapping rejection is not. */
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

/** Creates `<alias>_v1` behind the alias on first use; several processes may race here. */
export async function ensureCourseIndex(es: SearchClient, alias: string): Promise<void> {
  if (await es.indices.existsAlias({ name: alias })) {
    await ensureCategoryFields(es, alias);
    return;
  }
  const name = `${alias}_v1`;
  try {
    await es.indices.create({ index: name, settings: indexSettings, mappings: courseMappings, aliases: { [alias]: {} } });
  } catch (err) {
    if (err instanceof errors.ResponseError && err.body?.error?.type === 'resource_already_exists_exception') return;
    throw err;
  }
}

// Aliases whose indices already have the category fields, in this process (one mapping call per process).
const categoryFieldsPut = new Set<string>();

/**
 * Adds the taxonomy's fields (issue 14) to the indices behind an alias created before them: the mapping is strict,
 * so without them every document would be refused. Adding fields is allowed on a live index; putting the same
 * mapping again changes nothing, so several processes may do it.
 */
async function ensureCategoryFields(es: SearchClient, alias: string): Promise<void> {
  if (categoryFieldsPut.has(alias)) return;
  const properties = Object.fromEntries(CATEGORY_FIELDS.map((f) => [f, courseMappings.properties![f]!]));
  await es.indices.putMapping({ index: alias, properties });
  categoryFieldsPut.add(alias);
}

/** Sends one `_bulk` request and fails on any item that did not land (the bulk helper would drop them). */
export async function bulkIndexCourses(es: SearchClient, index: string, courses: IndexableCourse[]): Promise<number> {
  if (courses.length === 0) return 0;
  // Lines of JSON text: the client's NDJSON serialiser passes strings through as they are.
  const operations: string[] = [];
  const action = (id: number) => `{"index":{"_index":${JSON.stringify(index)},"_id":"${id}"}}`;
  for (const c of courses) operations.push(action(c.id), c.doc);
  const res = await es.bulk({ operations: operations as unknown as estypes.BulkRequest['operations'] });
  if (!res.errors) return courses.length;
  const failed = res.items.map((i) => i.index).filter((i): i is estypes.BulkResponseItem => Boolean(i?.error));
  const first = failed[0];
  const retryable = failed.every((i) => i.status === 429 || i.status >= 500);
  throw new BulkItemError(
    `${failed.length} of ${courses.length} documents were rejected by Elasticsearch; first: course ${first?._id}: ` +
      `${first?.error?.type}: ${first?.error?.reason}`,
    retryable,
  );
}

export async function deleteCourseDocuments(es: SearchClient, index: string, ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  const res = await es.bulk({ operations: ids.map((id) => ({ delete: { _index: index, _id: String(id) } })) });
  const failed = res.items.filter((i) => i.delete?.error);
  if (failed.length) throw new BulkItemError(`${failed.length} deletions failed: ${failed[0]?.delete?.error?.reason}`, true);
}

export async function refreshIndex(es: SearchClient, index: string): Promise<void> {
  await es.indices.refresh({ index });
}

/** Indexes the courses into every target (the alias, and a running reindex's new index). */
export async function bulkIndexEverywhere(es: SearchClient, targets: string[], courses: IndexableCourse[]): Promise<number> {
  let n = 0;
  for (const target of targets) n = await bulkIndexCourses(es, target, courses);
  return n;
}

/** Deletes the documents from every target; a document already gone is not an error (retries are safe). */
export async function deleteEverywhere(es: SearchClient, targets: string[], ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  for (const target of targets) {
    const res = await es.bulk({ operations: ids.map((id) => ({ delete: { _index: target, _id: String(id) } })) });
    const failed = res.items.filter((i) => i.delete?.error && i.delete.status !== 404);
    if (failed.length) throw new BulkItemError(`${failed.length} deletions failed: ${failed[0]?.delete?.error?.reason}`, true);
  }
}

interface RefreshQueue {
  /** The refresh in flight, if any. */
  running: Promise<void> | null;
  /** The next refresh, shared by every caller that asked after the running one started (or while waiting). */
  next: Promise<void> | null;
  /** When the last refresh was sent (ms since the epoch, `Date.now()`). */
  lastStartedAt: number;
}
const refreshQueues = new WeakMap<SearchClient, Map<string, RefreshQueue>>();

/**
 * The least time between two refreshes of the same indices from one process (milliseconds). A refresh writes a
 * new segment (and its completion suggester's FST) that merges later cost again: in a burst of small imports
 * (benchmark W2) one per import kept Elasticsearch's refresh thread busy most of the time. Spaced by this
 * interval, imports finishing together share one; a refresh asked for on a quiet stack (the last one older than
 * this) starts at once, so a single file is searchable as soon as before (W7). Elasticsearch's own periodic
 * refresh is 1 s.
 */
export const REFRESH_MIN_INTERVAL_MS = 500;

/**
 * Makes what was written to `targets` before the call searchable (a refresh of each). Callers asking at the same
 * time share one refresh that starts after they asked, and refreshes of the same indices are at least
 * REFRESH_MIN_INTERVAL_MS apart: with many small imports indexing at once (benchmark W2), eight concurrent
 * imports pay for one or two refreshes, not eight. Rejects with the refresh's error.
 */
export function refreshEverywhere(es: SearchClient, targets: string[]): Promise<void> {
  const index = targets.join(',');
  let queues = refreshQueues.get(es);
  if (!queues) refreshQueues.set(es, (queues = new Map()));
  let queue = queues.get(index);
  if (!queue) queues.set(index, (queue = { running: null, next: null, lastStartedAt: 0 }));
  const q = queue;
  const start = (): Promise<void> => {
    q.lastStartedAt = Date.now();
    const run: Promise<void> = es.indices
      .refresh({ index, ignore_unavailable: true })
      .then(() => undefined)
      .finally(() => {
        if (q.running === run) q.running = null;
      });
    q.running = run;
    return run;
  };
  if (q.next) return q.next;
  if (!q.running && Date.now() - q.lastStartedAt >= REFRESH_MIN_INTERVAL_MS) return start();
  // A refresh is under way (maybe started before this caller's writes) or one ran moments ago: the next one
  // starts once that one is done and the interval has passed, for every caller that asks until then.
  const previous = q.running?.catch(() => {}) ?? Promise.resolve();
  q.next = previous
    .then(() => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, q.lastStartedAt + REFRESH_MIN_INTERVAL_MS - Date.now()))))
    .then(() => {
      q.next = null;
      return start();
    });
  return q.next;
}

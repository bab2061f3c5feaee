// A full reindex from PostgreSQL: a new index `<alias>_v<timestamp>` with the current mapping, every course
// copied into it, then one atomic `_aliases` call moves the alias; searches use the old index until that call
// and the new one after it, never nothing. The old indices are deleted after the switch.
import { errors } from '@elastic/elasticsearch';
import type { SearchClient } from './client';
import { createCourseIndex } from './indexer';

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

/** Creates the target index; a retried activity finds it already there. */
export async function createTargetIndex(es: SearchClient, name: string): Promise<void> {
  try {
    await createCourseIndex(es, name);
  } catch (err) {
    if (err instanceof errors.ResponseError && err.body?.error?.type === 'resource_already_exists_exception') return;
    throw err;
  }
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
  if (previous.length) await es.indices.delete({ index: previous.join(','), ignore_unavailable: true });
  return { previous };
}

/** A failed reindex leaves the alias where it was and removes its half-built index. */
export async function dropTargetIndex(es: SearchClient, alias: string, target: string): Promise<void> {
  const current = await aliasIndices(es, alias);
  if (current.includes(target)) return;
  await es.indices.delete({ index: target, ignore_unavailable: true });
}

// Pages of course documents from PostgreSQL to `_bulk`, with the next page read while earlier bulks are still
// being indexed. Elasticsearch indexes one bulk on one write thread per shard, and PostgreSQL builds a page
// (lessons as jsonb) on its own core: overlapping them keeps both busy instead of taking turns.
import type { CoursePage } from '../db/search-documents';
import type { SearchClient } from './client';
import { bulkIndexEverywhere } from './indexer';

export interface PagedIndexing {
  es: SearchClient;
  targets: string[];
  /** The page after a course id (keyset order by id); a page said `last`, or an empty one, ends the run. */
  readPage: (afterId: number) => Promise<CoursePage>;
  /** Bulk requests in flight at once (ELASTICSEARCH_BULK_CONCURRENCY). */
  concurrency: number;
  /** Resume point: every course up to this id is already indexed. */
  startAfter?: number;
  /**
   * Called in page order once a page and every page before it are indexed, so `after` is a safe resume point
   * (a retry from it re-sends at most the pages that were in flight, which `_id` = course id makes harmless).
   */
  onProgress?: (progress: { after: number; indexed: number }) => Promise<void> | void;
}

interface InFlight {
  done: Promise<number>;
  lastId: number;
}

export async function indexPages(opts: PagedIndexing): Promise<number> {
  const concurrency = Math.max(1, opts.concurrency);
  const inFlight: InFlight[] = [];
  let after = opts.startAfter ?? 0;
  let indexed = 0;

  const settleOldest = async () => {
    const oldest = inFlight.shift()!;
    indexed += await oldest.done;
    await opts.onProgress?.({ after: oldest.lastId, indexed });
  };

  try {
    for (;;) {
      const { courses: page, last } = await opts.readPage(after);
      if (page.length === 0) break;
      after = page[page.length - 1]!.id;
      const done = bulkIndexEverywhere(opts.es, opts.targets, page);
      // Awaited in order below; until then a rejection must not count as unhandled.
      done.catch(() => {});
      inFlight.push({ done, lastId: after });
      if (last) break;
      if (inFlight.length >= concurrency) await settleOldest();
    }
    while (inFlight.length) await settleOldest();
    return indexed;
  } finally {
    // On a failure, let the other requests finish before the caller retries or gives up.
    await Promise.allSettled(inFlight.map((f) => f.done));
  }
}

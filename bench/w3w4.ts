// W3: a full reindex from PostgreSQL into a new index, then the alias switch, with searches running throughout.
// W4: search and autocomplete latency over the same catalogue under a steady, bounded load.
import type { TestEnv } from '../test/support/env';
import { aliasIndices, copyAllCourses, createTargetIndex, newIndexName, openForSearch, startForceMerge, switchAlias, waitForTask } from '../src/search/reindex';
import { searchCourses, suggestCourses } from '../src/search/queries';
import type { CourseQuery } from '../src/courses/filters';
import { rng } from '../test/support/generate';
import { JIT_SETTLED_SHARE, jitShare, jitSharesText, readElasticsearchJit } from './cpu';
import { buildNdjson, esFloor } from './floors';
import { median, percentile, sleep, summarize, timed } from './stats';
import type { BenchContext, ResultLine } from './report-types';

const words = ['python', 'django', 'kubernetes', 'gestion de projet', 'comptabilité', 'cuisine française', 'javascript', 'react', 'machine learning', 'leadership', 'photography', 'fondamentaux', 'essentials', 'lesson docker', 'statistics'];
const prefixes = ['py', 'pyth', 'dj', 'kub', 'ges', 'comp', 'cui', 'jav', 'rea', 'mach', 'lead', 'pho', 'léa', 'mar', 'doc', 'lin', 'stat', 'gu'];
const difficulties = ['beginner', 'intermediate', 'advanced', 'all_levels'];
const modes = ['text', 'video', 'practice', 'mixed'];

function randomQuery(r: () => number): CourseQuery {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const min = r() < 0.3 ? Math.floor(r() * 100) : null;
  return {
    q: pick(words),
    category: [],
    difficulty: r() < 0.5 ? [pick(difficulties)] : [],
    learning_mode: r() < 0.3 ? [pick(modes)] : [],
    is_free: r() < 0.2 ? r() < 0.5 : null,
    is_active: null,
    price_min: min,
    price_max: min !== null ? min + 50 : null,
    sort: 'relevance',
    page: 1,
    perPage: 20,
  };
}

/**
 * The reindex as the reindexCourses workflow's activities do it: build the new index, open it, switch the alias
 * (timed: `ms`), then the background force merge the switch starts, waited for untimed (`mergeMs`), so that what
 * runs next (a floor, a search load) does not share the machine with it.
 */
export async function reindex(t: TestEnv, alias: string): Promise<{ ms: number; docs: number; mergeMs: number }> {
  const target = newIndexName(alias, new Date());
  const { ms, value: docs } = await timed(async () => {
    await createTargetIndex(t.es, target);
    const { bulkSize, bulkConcurrency } = t.config.elasticsearch;
    const docs = await copyAllCourses({ sql: t.sql, es: t.es, bulkSize, concurrency: bulkConcurrency }, target);
    await openForSearch(t.es, target);
    await switchAlias(t.es, alias, target);
    return docs;
  });
  const merged = await timed(async () => {
    const { task } = await startForceMerge(t.es, target);
    if (task) await waitForTask(t.es, task, 30 * 60_000);
  });
  return { ms, docs, mergeMs: merged.ms };
}

/** Searches in a loop until stopped: every answer must come back with hits, before, during and after the switch. */
export function searchesThroughout(t: TestEnv, alias: string) {
  let stop = false;
  let answered = 0;
  const failures: string[] = [];
  const r = rng(99);
  const loop = (async () => {
    while (!stop) {
      try {
        const res = await searchCourses(t.es, alias, { ...randomQuery(r), difficulty: [], learning_mode: [], is_free: null, price_min: null, price_max: null });
        if (res.total === 0) failures.push('a search found nothing');
        answered++;
      } catch (err) {
        failures.push(err instanceof Error ? err.message : String(err));
      }
      await sleep(20);
    }
  })();
  return {
    async end() {
      stop = true;
      await loop;
      return { answered, failures };
    },
  };
}

/**
 * A reindex against its raw `_bulk` floor (both in docs/s): met at ≥ 0.8× with no search failure recorded for the
 * workload (its failures start with `failurePrefix`, the workload by default).
 */
export function reindexLine(ctx: BenchContext, workload: string, docs: number, rates: number[], floors: number[], notes: string[], failurePrefix = workload): ResultLine {
  const rate = summarize(rates);
  const floor = summarize(floors);
  return {
    workload,
    what: `reindex ${docs} courses from PostgreSQL + alias switch`,
    unit: 'docs/s',
    value: rate,
    floor,
    floorWhat: 'prebuilt NDJSON to _bulk',
    ratio: rate.median / floor.median,
    target: { text: '≥ 0.8× raw _bulk, searches answered', met: rate.median >= 0.8 * floor.median && !ctx.failures.some((f) => f.startsWith(failurePrefix)) },
    notes,
  };
}

export async function runW3W4(ctx: BenchContext, t: TestEnv, courses: number): Promise<ResultLine[]> {
  const alias = t.config.elasticsearch.alias;
  const rates: number[] = [];
  const floors: number[] = [];
  let answered = 0;
  const mergeMs: number[] = [];
  const { bodies, docs } = await buildNdjson(t.sql, t.config.elasticsearch.bulkSize);
  // A first, untimed reindex fills the alias (and warms up both sides): from then on every search must find courses.
  await reindex(t, alias);
  for (let run = 0; run < ctx.runs; run++) {
    const probe = searchesThroughout(t, alias);
    const r = await reindex(t, alias);
    const seen = await probe.end();
    answered += seen.answered;
    if (seen.failures.length) ctx.failures.push(`W3 run ${run + 1}: ${seen.failures.length} searches failed during the reindex, first: ${seen.failures[0]}`);
    if (r.docs !== courses) ctx.failures.push(`W3 run ${run + 1}: ${r.docs} of ${courses} courses reindexed`);
    const [current] = await aliasIndices(t.es, alias);
    const { count } = await t.es.count({ index: current! });
    if (count !== courses) ctx.failures.push(`W3 run ${run + 1}: the new index holds ${count} of ${courses}`);
    rates.push(r.docs / (r.ms / 1000));
    mergeMs.push(r.mergeMs);
    // Built like the reindex's target (no refresh until the end), so the ratio measures the application code.
    const f = await esFloor(t.config.elasticsearch.url, t.es, `${alias}_floor`, bodies, '-1');
    floors.push(f.docs / (f.ms / 1000));
    ctx.log(`W3 run ${run + 1}: ${r.docs} courses in ${Math.round(r.ms)} ms (${Math.round(rates.at(-1)!)}/s; raw _bulk ${Math.round(floors.at(-1)!)}/s)`);
  }
  const lines: ResultLine[] = [
    reindexLine(ctx, 'W3', docs, rates, floors, [
      `${answered} searches answered during the reindexes, none failed or empty`,
      `then the new index's background force merge to one segment: ${(median(mergeMs) / 1000).toFixed(1)} s (not in the rate: searches run meanwhile)`,
    ]),
  ];

  lines.push(...(await searchLoad(ctx, t, alias, courses, 'W4')));
  return lines;
}

/** The longest warm-up before W4's measured load (searchLoad), in seconds (45 windows of 20 s at full size). */
const WARM_UP_MAX_SECONDS = 900;
/** At most this many warm-up windows with --quick: a tiny index settles at once, and `npm test` runs it. */
const WARM_UP_MAX_WINDOWS_QUICK = 8;

/** Latencies (ms) of one run of W4's load: searches and completions apart. */
interface LoadLatencies {
  search: number[];
  suggest: number[];
}

/**
 * `lanes` clients, each sending its next request when the previous one is answered, for `seconds`; half searches,
 * half completions, drawn from `seed` on. A completion of 3+ letters that finds nothing is a failure.
 */
async function runLoad(ctx: BenchContext, t: TestEnv, alias: string, workload: string, lanes: number, seconds: number, seed: number): Promise<LoadLatencies> {
  const out: LoadLatencies = { search: [], suggest: [] };
  const deadline = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: lanes }, async (_, lane) => {
      const r = rng(seed + lane);
      while (Date.now() < deadline) {
        if (r() < 0.5) {
          const t0 = performance.now();
          await searchCourses(t.es, alias, randomQuery(r));
          out.search.push(performance.now() - t0);
        } else {
          const p = prefixes[Math.floor(r() * prefixes.length)]!;
          const t0 = performance.now();
          const res = await suggestCourses(t.es, alias, p);
          out.suggest.push(performance.now() - t0);
          if (res.length === 0 && p.length > 2) ctx.failures.push(`${workload}: no suggestion for "${p}"`);
        }
      }
    }),
  );
  return out;
}

/** The shard request cache's hit and miss counts of the index behind `alias`, since the node started. */
async function requestCacheStats(es: TestEnv['es'], alias: string): Promise<{ hits: number; misses: number }> {
  const res = await es.indices.stats({ index: alias, metric: 'request_cache' });
  const rc = res._all.total?.request_cache;
  return { hits: rc?.hit_count ?? 0, misses: rc?.miss_count ?? 0 };
}

/**
 * W4's load: 4 clients, each sending its next request when the previous one is answered (a bounded, steady
 * load), for ctx.sizes.w4Seconds; half searches, half completions. Returns the p95 lines of `workload` (W4, and
 * W5 over its large catalogue); a completion of 3+ letters that finds nothing is a failure.
 * The steady state is what the target is about (a server runs for weeks), so the same load runs first, unmeasured,
 * in windows as long as the measured run (other requests drawn in each), until Elasticsearch's JIT has settled: a
 * window in which its compiler threads took less than JIT_SETTLED_SHARE of its CPU and whose p95 was not 10 %
 * better than the best before it; WARM_UP_MAX_SECONDS at most (WARM_UP_MAX_WINDOWS_QUICK windows with --quick).
 * The workloads before it have just written the index (each refresh empties Elasticsearch's caches) and run its
 * indexing code, not its search code. On this machine's Java 17 and two cores, a node just started took 10–15
 * minutes of this load to compile its search code: 20 s windows of p95 542, 203, 162, 163, 142, 125, 111, 103, 105
 * ms, minutes later 49 then 43 ms; its compiler threads took 24 % of its CPU eight minutes in, 2 % once settled. A
 * rule on the p95 alone (no window 10 % better than the best) stopped at 105 ms while the JIT was still at work. In
 * W5's full run, after the imports, the share fell from 23 % to 0 in five windows. The p95 still falls afterwards as
 * the shard request cache holds more of the load's repeated searches, so the share of the measured run's searches
 * the cache answered is printed too (pages and counts of a search seen before), beside every warm-up window's p95
 * and JIT share.
 */
export async function searchLoad(ctx: BenchContext, t: TestEnv, alias: string, courses: number, workload: string): Promise<ResultLine[]> {
  const lanes = 4;
  const seconds = ctx.sizes.w4Seconds;
  const maxWindows = ctx.quick ? WARM_UP_MAX_WINDOWS_QUICK : Math.ceil(WARM_UP_MAX_SECONDS / seconds);
  const warmUp: { search: number; suggest: number; jitShare: number | null }[] = [];
  let notBetter = 0;
  // Each window's end reading is the next window's start.
  let jitBefore = await readElasticsearchJit();
  for (;;) {
    const w = await runLoad(ctx, t, alias, workload, lanes, seconds, 2000 + 10 * warmUp.length);
    const jitAfter = await readElasticsearchJit();
    const share = jitShare(jitBefore, jitAfter);
    jitBefore = jitAfter;
    const window = { search: percentile(w.search, 95), suggest: percentile(w.suggest, 95), jitShare: share };
    const best = Math.min(...warmUp.map((x) => x.search));
    warmUp.push(window);
    notBetter = window.search < 0.9 * best ? 0 : notBetter + 1;
    // Without the JVM's threads to read (a stack given by address), two windows in a row no better say it instead.
    const settled = share !== null ? share < JIT_SETTLED_SHARE && notBetter >= 1 : notBetter >= 2;
    if (settled || warmUp.length >= maxWindows) break;
  }
  const shares = jitSharesText(warmUp.map((x) => x.jitShare));
  const jitNote = shares !== null ? `; Elasticsearch's JIT compiler threads' share of its CPU per window: ${shares}` : '';
  const warmUpNote = (key: 'search' | 'suggest') => `after ${warmUp.length} × ${seconds} s of the same load unmeasured (p95 per window: ${warmUp.map((x) => x[key].toFixed(0)).join(', ')} ms${key === 'search' ? jitNote : ''})`;
  const cacheBefore = await requestCacheStats(t.es, alias);
  const { search, suggest } = await runLoad(ctx, t, alias, workload, lanes, seconds, 1000);
  const cacheAfter = await requestCacheStats(t.es, alias);
  const hits = cacheAfter.hits - cacheBefore.hits;
  const misses = cacheAfter.misses - cacheBefore.misses;
  const cacheNote = `Elasticsearch's shard request cache answered ${hits} of the run's ${hits + misses} cacheable searches (${Math.round((100 * hits) / Math.max(1, hits + misses))} %; the load draws 15 texts and a few filters, so searches repeat)`;
  const s95 = percentile(search, 95);
  const a95 = percentile(suggest, 95);
  return [
    {
      workload,
      what: `search p95 (${courses} courses, filters + facets + highlight; p50 ${percentile(search, 50).toFixed(1)} ms)`,
      unit: 'ms',
      value: summarize([s95]),
      target: { text: 'p95 < 50 ms', met: s95 < 50 },
      notes: [`${search.length} searches by ${lanes} clients in ${seconds} s, ${warmUpNote('search')}`, cacheNote],
    },
    {
      workload,
      what: `autocomplete p95 (p50 ${percentile(suggest, 50).toFixed(1)} ms)`,
      unit: 'ms',
      value: summarize([a95]),
      target: { text: 'p95 < 20 ms', met: a95 < 20 },
      notes: [`${suggest.length} completions, ${warmUpNote('suggest')}`],
    },
  ];
}

// W5 (issue 17): catalogue growth. The W1 file imported into a catalogue that already holds a million courses
// (lessons included), first import and a 10%-changed update, each against the same import into an empty catalogue
// in the same run (interleaved, run by run: two environments, each with its own worker process and watcher);
// search and autocomplete under W4's load over the large catalogue; a reindex of it against raw `_bulk` (W3's
// method). The large catalogue is written by PostgreSQL itself (bench/seed.ts seedCatalogueSql) and put into
// Elasticsearch by the product's own reindex (so its documents are the indexer's), in a schema and alias of their
// own, removed at the end. Disk and Elasticsearch heap are read as it runs and written in the notes.
import { execFile } from 'node:child_process';
import { open, rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { createTestEnv, type TestEnv } from '../test/support/env';
import { DropWatcher } from '../src/watcher/drop-watcher';
import { logger } from '../src/logger';
import { deleteCourseDocuments, ensureCourseIndex } from '../src/search/indexer';
import { aliasIndices } from '../src/search/reindex';
import { allDocuments } from '../src/db/search-documents';
import type { SearchClient } from '../src/search/client';
import { startWorkerProcess, type WorkerProcess } from './proc';
import { w1Courses, writeCsv } from './data';
import { importOne, medianStages, type ImportTiming } from './imports';
import { createScratchIndex } from './floors';
import { reindex, reindexLine, searchesThroughout, searchLoad } from './w3w4';
import { seedCatalogueSql } from './seed';
import { median, summarize, timed } from './stats';
import type { BenchContext, ResultLine } from './report-types';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '..');
const MB = 1024 * 1024;

interface Side {
  t: TestEnv;
  worker: WorkerProcess;
  watcher: DropWatcher;
}

async function startSide(label: string, knobs: Record<string, string>): Promise<Side> {
  const t = await createTestEnv(label, knobs);
  const worker = await startWorkerProcess(t.env);
  const watcher = new DropWatcher({ client: t.client, sql: t.sql, config: t.config, logger: logger.child({ bench: `${label} watcher` }) });
  await watcher.start();
  return { t, worker, watcher };
}

async function stopSide(side: Side | null, log: (m: string) => void): Promise<void> {
  if (!side) return;
  await side.watcher.close().catch(() => {});
  await side.worker.stop().catch(() => {});
  await side.t.close().catch((err: unknown) => log(`W5 cleanup: ${String(err)}`));
}

/** The empty catalogue again: no course, no import, a fresh index behind the alias. */
async function emptyCatalogue(t: TestEnv): Promise<void> {
  await t.sql.unsafe('TRUNCATE courses, lessons, imports RESTART IDENTITY CASCADE');
  await t.es.indices.delete({ index: `${t.config.elasticsearch.alias}_*`, ignore_unavailable: true, allow_no_indices: true });
  await ensureCourseIndex(t.es, t.config.elasticsearch.alias);
}

/**
 * The large catalogue as it was before a run's imports: the courses the first import created are deleted from
 * PostgreSQL (lessons cascade) and Elasticsearch, the ledger emptied, then VACUUM ANALYZE (what autovacuum would do
 * before the next nightly file), so each run imports into the same catalogue.
 */
async function withoutImported(t: TestEnv, firstImportId: string): Promise<number> {
  const ids = (await t.sql<{ id: number }[]>`SELECT id FROM courses WHERE created_by_import = ${firstImportId}`).map((r) => Number(r.id));
  await t.sql`DELETE FROM courses WHERE created_by_import = ${firstImportId}`;
  await t.sql.unsafe('TRUNCATE imports CASCADE');
  for (let i = 0; i < ids.length; i += 5000) await deleteCourseDocuments(t.es, t.config.elasticsearch.alias, ids.slice(i, i + 5000));
  await t.es.indices.refresh({ index: t.config.elasticsearch.alias });
  await t.sql.unsafe('VACUUM (ANALYZE) courses, lessons, import_rows, import_courses, course_revisions');
  return ids.length;
}

/** Bytes on disk of the schema's tables (heap, indexes, TOAST) and of the index behind the alias. */
async function catalogueSizes(t: TestEnv): Promise<{ pgMb: number; lessonsMb: number; esMb: number; esDocs: number }> {
  const [pg] = await t.sql<{ total: string; lessons: string }[]>`
    SELECT sum(pg_total_relation_size(c.oid))::bigint AS total, pg_total_relation_size('lessons')::bigint AS lessons
    FROM pg_class c WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'm')`;
  const [index] = await aliasIndices(t.es, t.config.elasticsearch.alias);
  const stats = await t.es.indices.stats({ index: index!, metric: ['store', 'docs'] });
  const p = stats._all.primaries;
  return {
    pgMb: Number(pg?.total ?? 0) / MB,
    lessonsMb: Number(pg?.lessons ?? 0) / MB,
    esMb: (p?.store?.size_in_bytes ?? 0) / MB,
    esDocs: p?.docs?.count ?? 0,
  };
}

/** `du -sm` of a directory (the stack's data), or NaN when it cannot be read. */
async function duMb(dir: string): Promise<number> {
  try {
    const { stdout } = await run('du', ['-sm', dir]);
    return Number(stdout.split(/\s+/)[0]);
  } catch {
    return NaN;
  }
}

/**
 * Samples Elasticsearch's JVM heap (used and max, MB) every 500 ms until stopped. The highest use seen is garbage
 * included (the collector lets the heap fill before it runs); the lowest, right after collections, is close to
 * what the node holds live.
 */
function heapSampler(es: SearchClient) {
  let peak = 0;
  let low = Infinity;
  let max = 0;
  let stop = false;
  const loop = (async () => {
    while (!stop) {
      const res = await es.nodes.stats({ metric: ['jvm'] }).catch(() => null);
      for (const n of Object.values(res?.nodes ?? {})) {
        const used = (n.jvm?.mem?.heap_used_in_bytes ?? 0) / MB;
        peak = Math.max(peak, used);
        if (used > 0) low = Math.min(low, used);
        max = Math.max(max, (n.jvm?.mem?.heap_max_in_bytes ?? 0) / MB);
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  })();
  return {
    async end(): Promise<{ peakMb: number; lowMb: number; maxMb: number }> {
      stop = true;
      await loop;
      return { peakMb: peak, lowMb: low, maxMb: max };
    },
  };
}

/**
 * Every document of the schema as `_bulk` bodies of `bulkSize`, written to `file` (a million documents are too many
 * for this process's heap): W3's floor input, read back body by body while the floor runs.
 */
async function ndjsonFile(t: TestEnv, file: string): Promise<{ offsets: number[]; docs: number }> {
  const fh = await open(file, 'w');
  const offsets: number[] = [0];
  let docs = 0;
  let after = 0;
  try {
    for (;;) {
      const page = await allDocuments(t.sql, after, t.config.elasticsearch.bulkSize);
      if (page.length === 0) break;
      const body = Buffer.from(page.map((c) => `{"index":{"_id":"${c.id}"}}\n${c.doc}\n`).join(''));
      await fh.write(body);
      offsets.push(offsets.at(-1)! + body.length);
      docs += page.length;
      after = page[page.length - 1]!.id;
    }
  } finally {
    await fh.close();
  }
  return { offsets, docs };
}

/** W3's floor from a file: the prebuilt bodies to `_bulk` one after the other, no refresh until the end. */
async function esFloorFromFile(t: TestEnv, file: string, offsets: number[]): Promise<{ ms: number; docs: number }> {
  const index = `${t.config.elasticsearch.alias}_floor`;
  await createScratchIndex(t.es, index, '-1');
  const fh = await open(file, 'r');
  try {
    const { ms, value } = await timed(async () => {
      let docs = 0;
      for (let i = 0; i + 1 < offsets.length; i++) {
        const body = Buffer.alloc(offsets[i + 1]! - offsets[i]!);
        await fh.read(body, 0, body.length, offsets[i]!);
        const res = await fetch(`${t.config.elasticsearch.url}/${index}/_bulk`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body });
        const json = (await res.json()) as { errors: boolean; items: unknown[] };
        if (!res.ok || json.errors) throw new Error(`floor _bulk failed: ${res.status}`);
        docs += json.items.length;
      }
      await t.es.indices.putSettings({ index, settings: { refresh_interval: '1s' } });
      await t.es.indices.refresh({ index });
      return docs;
    });
    return { ms, docs: value };
  } finally {
    await fh.close();
    await t.es.indices.delete({ index, ignore_unavailable: true });
  }
}

export async function runW5(ctx: BenchContext, knobs: Record<string, string>, dataDir: string): Promise<ResultLine[]> {
  const size = ctx.sizes.w5Courses;
  const lines: ResultLine[] = [];
  const notes: string[] = [];
  let empty: Side | null = null;
  let large: Side | null = null;
  const ndjson = path.join(dataDir, 'w5-floor.ndjson');
  try {
    const duBefore = { pg: await duMb(path.join(root, '.stack', 'pg')), es: await duMb(path.join(root, '.stack', 'es')) };
    empty = await startSide('bench_w5e', knobs);
    large = await startSide('bench_w5', knobs);
    const L = large.t;
    const alias = L.config.elasticsearch.alias;

    // The large catalogue: PostgreSQL first, then the product's reindex fills a new index and moves the alias to it.
    const seeded = await timed(() => seedCatalogueSql(L.sql, size, (done) => { if (done % 200_000 === 0 || done === size) ctx.log(`W5: ${done} courses in PostgreSQL`); }));
    const courses = seeded.value;
    if (courses !== size) ctx.failures.push(`W5: ${courses} of ${size} courses seeded`);
    const heapSeed = heapSampler(L.es);
    const filled = await reindex(L, alias);
    const heapAfterSeed = await heapSeed.end();
    if (filled.docs !== courses) ctx.failures.push(`W5: ${filled.docs} of ${courses} courses indexed by the first reindex`);
    ctx.log(`W5: ${courses} courses seeded in ${Math.round(seeded.ms / 1000)} s (PostgreSQL), indexed in ${Math.round(filled.ms / 1000)} s`);
    const sizes = await catalogueSizes(L);
    const duAfter = { pg: await duMb(path.join(root, '.stack', 'pg')), es: await duMb(path.join(root, '.stack', 'es')) };
    notes.push(
      `catalogue of ${courses} courses: seeded in ${Math.round(seeded.ms / 1000)} s (INSERT … SELECT generate_series, indexes built after, VACUUM ANALYZE), ` +
        `indexed by the product's reindex in ${Math.round(filled.ms / 1000)} s, then force-merged in the background in ${Math.round(filled.mergeMs / 1000)} s`,
      `disk: PostgreSQL ${Math.round(sizes.pgMb)} MB (lessons ${Math.round(sizes.lessonsMb)} MB), Elasticsearch ${Math.round(sizes.esMb)} MB for ${sizes.esDocs} documents; ` +
        `du of .stack/pg +${Math.round(duAfter.pg - duBefore.pg)} MB, .stack/es +${Math.round(duAfter.es - duBefore.es)} MB`,
    );

    // The empty catalogue gets the large one's taxonomy (categories, no course): both imports categorise alike.
    await empty.t.sql.unsafe(`INSERT INTO categories SELECT * FROM ${L.config.databaseSchema}.categories ON CONFLICT DO NOTHING`);
    await empty.t.sql.unsafe(`SELECT setval(pg_get_serial_sequence('categories', 'id'), (SELECT max(id) FROM categories))`);

    // The imports, interleaved run by run: empty catalogue, then the large one, the same files.
    const maxBytes = L.config.limits.maxFileBytes;
    const csv = path.join(dataDir, 'w5.csv');
    const { rows, bytes } = await writeCsv(csv, w1Courses(ctx.sizes.w1Rows), Math.floor(maxBytes * 0.97));
    const changedCsv = path.join(dataDir, 'w5-changed.csv');
    await writeCsv(changedCsv, w1Courses(rows, 10));
    const timeout = 15 * 60_000;
    const eFirst: ImportTiming[] = [];
    const eChanged: ImportTiming[] = [];
    const lFirst: ImportTiming[] = [];
    const lChanged: ImportTiming[] = [];
    for (let r = 0; r < ctx.runs; r++) {
      await emptyCatalogue(empty.t);
      eFirst.push(await importOne(empty.t, csv, 'w5.csv', timeout));
      eChanged.push(await importOne(empty.t, changedCsv, 'w5-changed.csv', timeout));
      lFirst.push(await importOne(L, csv, 'w5.csv', timeout));
      lChanged.push(await importOne(L, changedCsv, 'w5-changed.csv', timeout));
      for (const [what, x] of [['empty first', eFirst], ['large first', lFirst]] as const) {
        const created = x.at(-1)!.record.counts?.created;
        if (created !== rows) ctx.failures.push(`W5 ${what} import created ${created} of ${rows}`);
      }
      for (const [what, x] of [['empty update', eChanged], ['large update', lChanged]] as const) {
        const updated = x.at(-1)!.record.counts?.updated;
        if (updated !== Math.ceil(rows / 10)) ctx.failures.push(`W5 ${what} updated ${updated} of ${Math.ceil(rows / 10)}`);
      }
      ctx.log(
        `W5 run ${r + 1}: first import ${Math.round(eFirst.at(-1)!.ms)} ms empty / ${Math.round(lFirst.at(-1)!.ms)} ms into ${courses}; ` +
          `update ${Math.round(eChanged.at(-1)!.ms)} / ${Math.round(lChanged.at(-1)!.ms)} ms`,
      );
      await withoutImported(L, lFirst.at(-1)!.record.id);
    }
    const pair = (what: string, big: ImportTiming[], small: ImportTiming[], target: boolean): ResultLine => {
      const v = summarize(big.map((x) => x.ms));
      const f = summarize(small.map((x) => x.ms));
      return {
        workload: 'W5',
        what,
        unit: 'ms',
        value: v,
        floor: f,
        floorWhat: 'same import into an empty catalogue',
        ratio: v.median / f.median,
        ...(target ? { target: { text: '≤ 1.2× empty catalogue', met: v.median <= 1.2 * f.median } } : {}),
        stages: medianStages(big),
        notes: [`into an empty catalogue: ${Object.entries(medianStages(small)).map(([k, ms]) => `${k} ${Math.round(ms)}`).join(', ')} ms`],
      };
    };
    lines.push(
      pair(`CSV first import into ${courses} courses (${rows} courses, ${(bytes / MB).toFixed(1)} MB)`, lFirst, eFirst, true),
      pair(`CSV update, 10% of rows changed, into ${courses} courses`, lChanged, eChanged, true),
    );
    await stopSide(empty, ctx.log);
    empty = null;

    // Search and autocomplete under W4's load over the large catalogue.
    const heapLoad = heapSampler(L.es);
    lines.push(...(await searchLoad(ctx, L, alias, courses, 'W5')));
    const heapSearch = await heapLoad.end();

    // The reindex of the large catalogue against raw `_bulk` of the same documents (W3's method).
    const { offsets, docs } = await ndjsonFile(L, ndjson);
    const rates: number[] = [];
    const floors: number[] = [];
    let answered = 0;
    const mergeMs: number[] = [];
    const heapReindex = heapSampler(L.es);
    // Each pair takes minutes at a million courses: two runs at most.
    const reindexRuns = Math.min(ctx.runs, 2);
    for (let r = 0; r < reindexRuns; r++) {
      const probe = searchesThroughout(L, alias);
      const x = await reindex(L, alias);
      const seen = await probe.end();
      answered += seen.answered;
      if (seen.failures.length) ctx.failures.push(`W5 reindex run ${r + 1}: ${seen.failures.length} searches failed, first: ${seen.failures[0]}`);
      if (x.docs !== courses) ctx.failures.push(`W5 reindex run ${r + 1}: ${x.docs} of ${courses} courses reindexed`);
      rates.push(x.docs / (x.ms / 1000));
      mergeMs.push(x.mergeMs);
      const f = await esFloorFromFile(L, ndjson, offsets);
      floors.push(f.docs / (f.ms / 1000));
      ctx.log(`W5 reindex run ${r + 1}: ${x.docs} courses in ${Math.round(x.ms / 1000)} s (${Math.round(rates.at(-1)!)}/s; raw _bulk ${Math.round(floors.at(-1)!)}/s)`);
    }
    const heapRe = await heapReindex.end();
    lines.push(reindexLine(ctx, 'W5', docs, rates, floors, [
      `${answered} searches answered during the reindexes`,
      `${Math.round(median(rates.map((x) => docs / x)))} s per reindex, then ${Math.round(median(mergeMs) / 1000)} s of background force merge (not in the rate)`,
    ], 'W5 reindex'));
    notes.push(
      `Elasticsearch heap of ${Math.round(heapRe.maxMb)} MB, used (lowest after a collection – highest): ` +
        `${Math.round(heapAfterSeed.lowMb)}–${Math.round(heapAfterSeed.peakMb)} MB while indexing the catalogue, ` +
        `${Math.round(heapSearch.lowMb)}–${Math.round(heapSearch.peakMb)} MB under the search load, ` +
        `${Math.round(heapRe.lowMb)}–${Math.round(heapRe.peakMb)} MB during the reindexes (two indices at once)`,
    );
    lines[0]!.notes = [...notes, ...(lines[0]!.notes ?? [])];
    return lines;
  } finally {
    await rm(ndjson, { force: true });
    await stopSide(empty, ctx.log);
    await stopSide(large, ctx.log);
  }
}


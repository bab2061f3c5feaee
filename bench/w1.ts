// W1: one large file, first import, re-import (unchanged), 10% changed, and the same rows as XLSX.
import path from 'node:path';
import type { TestEnv } from '../test/support/env';
import type { WorkerProcess } from './proc';
import { w1Courses, writeCsv, writeXlsx } from './data';
import { emptyCatalogue, importOne, medianStages, type ImportTiming } from './imports';
import { buildNdjson, esFloor, exportCoursesCopy, parseFloor, pgFloor } from './floors';
import { median, summarize } from './stats';
import { peakRssLine } from './report';
import { JIT_SETTLED_SHARE, cpuSpent, jitShare, jitSharesText, msPer1000Courses, readCpu, readElasticsearchJit, unmeasuredServices, type CpuReading } from './cpu';
import { cpuLines } from './w7';
import type { BenchContext, ResultLine } from './report-types';

export async function runW1(ctx: BenchContext, t: TestEnv, worker: WorkerProcess, dataDir: string): Promise<ResultLine[]> {
  const maxBytes = t.config.limits.maxFileBytes;
  const csv = path.join(dataDir, 'w1.csv');
  // 3% under the size limit, so that the edited copy (longer descriptions) is still accepted.
  const { rows, bytes } = await writeCsv(csv, w1Courses(ctx.sizes.w1Rows), Math.floor(maxBytes * 0.97));
  const changedCsv = path.join(dataDir, 'w1-changed.csv');
  await writeCsv(changedCsv, w1Courses(rows, 10));
  const xlsx = path.join(dataDir, 'w1.xlsx');
  await writeXlsx(xlsx, w1Courses(rows));
  ctx.log(`W1: ${rows} courses, CSV ${(bytes / 1048576).toFixed(1)} MB`);
  const limits = t.config.limits;
  const timeout = 15 * 60_000;

  const first: ImportTiming[] = [];
  const again: ImportTiming[] = [];
  const changed: ImportTiming[] = [];
  const asXlsx: ImportTiming[] = [];
  const rssCsv: number[] = [];
  const rssXlsx: number[] = [];
  const fParseCsv: number[] = [];
  const fParseXlsx: number[] = [];
  const fPg: number[] = [];
  const fEs: number[] = [];
  const cpuFirst: CpuReading[] = [];
  /** Elasticsearch's JIT compiler threads' share of its CPU during each measured first import (null: not readable). */
  const jitFirst: (number | null)[] = [];
  // The CPU the floors themselves cost (the parse in this process, COPY/INSERT in PostgreSQL, _bulk in
  // Elasticsearch): what no import of these rows can spend less than, beside the import's own.
  const cpuFloor: CpuReading[] = [];
  let copyText: Buffer | null = null;
  let ndjson: string[] | null = null;

  // Untimed imports first: on a stack started moments ago, Elasticsearch's JIT compiler and both services' caches
  // are cold, and the first imports cost 2–4 times the steady state (measured right after `npm start`: 42 s and
  // 81 s, then 20–21 s; Elasticsearch CPU 0.79 s per 1,000 courses, then 0.37). The runs below measure an import
  // on a running stack, as every import but the first few after a restart is: warm-up imports go on until one in
  // which Elasticsearch's JIT compiler threads took under JIT_SETTLED_SHARE of its CPU (at most W1_WARM_UPS_MAX).
  // One warm-up was not enough for a CPU figure: on 2 December, one run's Elasticsearch spent 8.7 s of CPU on the
  // measured import after a single warm-up, 3.0–3.3 s in runs on a JVM that had been working for minutes.
  // --quick (in `npm test`) makes one: its tiny imports say nothing of the JIT.
  const warmUps: { ms: number; jitShare: number | null }[] = [];
  for (;;) {
    await emptyCatalogue(t);
    const jitBefore = await readElasticsearchJit();
    const warmUp = await importOne(t, csv, 'w1.csv', timeout);
    const share = jitShare(jitBefore, await readElasticsearchJit());
    if (warmUp.record.counts?.created !== rows) ctx.failures.push(`W1 warm-up import created ${warmUp.record.counts?.created} of ${rows}`);
    warmUps.push({ ms: warmUp.ms, jitShare: share });
    ctx.log(`W1 warm-up ${warmUps.length} (not counted): first import ${Math.round(warmUp.ms)} ms${share === null ? '' : `, Elasticsearch's JIT ${Math.round(100 * share)} % of its CPU`}`);
    if (share === null || share < JIT_SETTLED_SHARE || warmUps.length >= (ctx.quick ? 1 : W1_WARM_UPS_MAX)) break;
  }
  const warmUpNote = `${warmUps.length} warm-up import(s) before the runs, not counted: ${warmUps.map((w) => `${Math.round(w.ms)} ms${w.jitShare === null ? '' : ` (JIT ${Math.round(100 * w.jitShare)} %)`}`).join(', ')}`;

  for (let run = 0; run < ctx.runs; run++) {
    await emptyCatalogue(t);
    await worker.resetPeak();
    const cpuBefore = await readCpu(worker.pid);
    const jitBefore = await readElasticsearchJit();
    first.push(await importOne(t, csv, 'w1.csv', timeout));
    cpuFirst.push(cpuSpent(cpuBefore, await readCpu(worker.pid)));
    jitFirst.push(jitShare(jitBefore, await readElasticsearchJit()));
    const unread = unmeasuredServices(cpuFirst.at(-1)!);
    if (unread.length) ctx.failures.push(`W1 first import: no CPU read from /proc for ${unread.join(', ')}`);
    if (first.at(-1)!.record.counts?.created !== rows) ctx.failures.push(`W1 first import created ${first.at(-1)!.record.counts?.created} of ${rows}`);
    ctx.log(`W1 run ${run + 1}: first import ${Math.round(first.at(-1)!.ms)} ms`);

    again.push(await importOne(t, csv, 'w1.csv', timeout));
    if (again.at(-1)!.record.counts?.unchanged !== rows) ctx.failures.push(`W1 re-import: ${again.at(-1)!.record.counts?.unchanged} of ${rows} unchanged`);
    changed.push(await importOne(t, changedCsv, 'w1-changed.csv', timeout));
    rssCsv.push(await worker.peakRssMb());

    // Floors on the same data, while it is there.
    copyText ??= await exportCoursesCopy(t.config);
    ndjson ??= (await buildNdjson(t.sql, t.config.elasticsearch.bulkSize)).bodies;
    const ownBefore = process.cpuUsage();
    fParseCsv.push((await parseFloor('csv', csv, limits)).ms);
    const own = process.cpuUsage(ownBefore);
    const servicesBefore = await readCpu(worker.pid);
    fPg.push((await pgFloor(t.sql, t.config, copyText)).ms);
    fEs.push((await esFloor(t.config.elasticsearch.url, t.es, `${t.config.elasticsearch.alias}_floor`, ndjson)).ms);
    const services = cpuSpent(servicesBefore, await readCpu(worker.pid));
    cpuFloor.push({ worker: (own.user + own.system) / 1e6, postgres: services.postgres, elasticsearch: services.elasticsearch });

    await emptyCatalogue(t);
    await worker.resetPeak();
    asXlsx.push(await importOne(t, xlsx, 'w1.xlsx', timeout));
    rssXlsx.push(await worker.peakRssMb());
    fParseXlsx.push((await parseFloor('xlsx', xlsx, limits)).ms);
    ctx.log(`W1 run ${run + 1}: xlsx ${Math.round(asXlsx.at(-1)!.ms)} ms`);
  }

  const floorCsv = summarize(fParseCsv.map((p, i) => p + fPg[i]! + fEs[i]!));
  const floorXlsx = summarize(fParseXlsx.map((p, i) => p + fPg[i]! + fEs[i]!));
  const firstS = summarize(first.map((x) => x.ms));
  const againS = summarize(again.map((x) => x.ms));
  const xlsxS = summarize(asXlsx.map((x) => x.ms));
  const floorNote = `floor = parse ${Math.round(median(fParseCsv))} + COPY/INSERT ${Math.round(median(fPg))} + _bulk ${Math.round(median(fEs))} ms`;
  const rssMax = Math.max(...rssCsv, ...rssXlsx);
  return [
    {
      workload: 'W1',
      what: `CSV first import (${rows} courses, ${(bytes / 1048576).toFixed(1)} MB)`,
      unit: 'ms',
      value: firstS,
      floor: floorCsv,
      floorWhat: 'parse + COPY/INSERT + _bulk',
      ratio: firstS.median / floorCsv.median,
      target: { text: '≤ 2.0× floor', met: firstS.median <= 2 * floorCsv.median },
      rssMb: median(rssCsv),
      stages: medianStages(first),
      notes: [floorNote, warmUpNote],
    },
    {
      workload: 'W1',
      what: 'CSV re-import, all unchanged',
      unit: 'ms',
      value: againS,
      floor: firstS,
      floorWhat: 'first import',
      ratio: againS.median / firstS.median,
      target: { text: '≤ 0.5× first import', met: againS.median <= 0.5 * firstS.median },
      stages: medianStages(again),
    },
    {
      workload: 'W1',
      what: 'CSV update, 10% of rows changed',
      unit: 'ms',
      value: summarize(changed.map((x) => x.ms)),
      floor: floorCsv,
      floorWhat: 'parse + COPY/INSERT + _bulk',
      ratio: median(changed.map((x) => x.ms)) / floorCsv.median,
      stages: medianStages(changed),
    },
    {
      workload: 'W1',
      what: `XLSX first import (same rows)`,
      unit: 'ms',
      value: xlsxS,
      floor: floorXlsx,
      floorWhat: 'parse xlsx + COPY/INSERT + _bulk',
      ratio: xlsxS.median / floorXlsx.median,
      target: { text: '≤ 2.0× floor', met: xlsxS.median <= 2 * floorXlsx.median },
      rssMb: median(rssXlsx),
      stages: medianStages(asXlsx),
      notes: [`parse xlsx floor ${Math.round(median(fParseXlsx))} ms`],
    },
    // CPU of the first import per 1,000 courses (the median run's, per service).
    ...cpuLines('W1', {
      worker: median(cpuFirst.map((c) => c.worker)),
      postgres: median(cpuFirst.map((c) => c.postgres)),
      elasticsearch: median(cpuFirst.map((c) => c.elasticsearch)),
    }, rows),
    cpuTotalLine(cpuFirst, cpuFloor, rows, jitFirst),
    peakRssLine('W1', rssMax),
  ];
}

/**
 * Issue 17's CPU target for W1: the first import's CPU (worker + PostgreSQL + Elasticsearch), per 1,000 courses,
 * at most 70 % of what it was before the issue. CPU seconds depend on the machine and on how warm Elasticsearch's
 * JIT is, so the baseline is only comparable with runs on the machine it was measured on, with the same warm-up:
 * 405 ms is the median of three runs of commit 612ec18 (the last before issue 17, with this file's CPU reading and
 * warm-up grafted into its bench: six warm-up imports on this machine, whose Elasticsearch never got under
 * JIT_SETTLED_SHARE within them) on the 2-core machine of 2 December 2026, alternating with three runs of bb6a5f8
 * (378 ms), each run on a stack of its own (README, "Performance"). Earlier figures do not apply: 1,050 ms was
 * measured on the machine of 1 December (about twice the CPU for the same work, its floors too), 575 ms here with
 * a single warm-up (the JIT still compiling through the measured import). Beside it, the floors' own CPU per 1,000
 * courses: reading the file (csv-parse, this process), COPY and one INSERT … SELECT (PostgreSQL), raw `_bulk` of
 * the same documents (Elasticsearch); the ratio to the floors is the figure that carries from one machine to another.
 */
export const W1_CPU_BEFORE_ISSUE_17_MS = 405;

/**
 * The most warm-up imports W1 makes before its runs, waiting for Elasticsearch's JIT to settle. On the machine of
 * 2 December it never settled within six (its compiler threads still at 18–25 % of its CPU in the sixth, 10–19 %
 * in the measured import, old and new commits alike); a diagnostic run with twenty took 18, and the import after
 * that settled one was back at 8 %: the share is noisy import by import, so more warm-ups buy little.
 */
const W1_WARM_UPS_MAX = 6;

function cpuTotalLine(spent: CpuReading[], floors: CpuReading[], rows: number, jit: (number | null)[]): ResultLine {
  const per1000 = (c: CpuReading) => msPer1000Courses(c.worker + c.postgres + c.elasticsearch, rows);
  const value = summarize(spent.map(per1000));
  const floor = summarize(floors.map(per1000));
  const limit = 0.7 * W1_CPU_BEFORE_ISSUE_17_MS;
  const ms = (s: number) => Math.round(msPer1000Courses(s, rows));
  // A service that read no CPU at all over a whole import was not measured (its process not found): never "met".
  const shares = jitSharesText(jit);
  const unmeasured = unmeasuredServices({ worker: median(spent.map((c) => c.worker)), postgres: median(spent.map((c) => c.postgres)), elasticsearch: median(spent.map((c) => c.elasticsearch)) });
  return {
    workload: 'W1',
    what: 'CPU time per 1,000 courses: worker + PostgreSQL + Elasticsearch',
    unit: 'ms',
    value,
    floor,
    floorWhat: 'the floors\' own CPU: parse + COPY/INSERT + _bulk',
    ratio: value.median / floor.median,
    target: { text: `≤ ${Math.round(limit)} ms (−30 % of ${W1_CPU_BEFORE_ISSUE_17_MS} ms before issue 17)`, met: unmeasured.length === 0 && value.median <= limit },
    notes: [
      ...(unmeasured.length ? [`NOT MEASURED: no CPU read for ${unmeasured.join(', ')} (its process was not found in /proc)`] : []),
      `floor per 1,000 courses: parse ${ms(median(floors.map((f) => f.worker)))} + PostgreSQL ${ms(median(floors.map((f) => f.postgres)))} + Elasticsearch ${ms(median(floors.map((f) => f.elasticsearch)))} ms`,
      ...(shares !== null ? [`Elasticsearch's JIT compiler threads' share of its CPU in each measured import: ${shares}`] : []),
    ],
  };
}

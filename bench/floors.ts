// The floors: what the machine does with the same data and no application code around it.
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { createSql, type Sql } from '../src/db/client';
import type { Config } from '../src/config';
import type { SearchClient } from '../src/search/client';
import type { ReaderLimits, FileFormat } from '../src/domain/types';
import { readRows } from '../src/ingest/readers';
import { allDocuments } from '../src/db/search-documents';
import { courseMappings, indexSettings } from '../src/search/mapping';
import { timed } from './stats';

/** Parse only: the same file through the same reader, rows discarded. */
export async function parseFloor(format: FileFormat, file: string, limits: ReaderLimits): Promise<{ ms: number; rows: number }> {
  const { ms, value } = await timed(async () => {
    let rows = 0;
    for await (const _row of readRows(format, file, limits)) rows++;
    return rows;
  });
  return { ms, rows: value };
}

const courseColumns = `natural_key, external_id, title, description, category, instructor, duration_hours, difficulty,
  learning_mode, price, is_free, tags, quality_score, content_hash`;

/**
 * A client of its own for COPY, ended after use: a connection that carried a COPY is never handed back to the
 * pool (reusing one in postgres.js left the next query of the pool waiting forever).
 */
async function withCopyClient<T>(config: Pick<Config, 'databaseUrl' | 'databaseSchema'>, fn: (sql: Sql) => Promise<T>): Promise<T> {
  const sql = createSql(config.databaseUrl, 1, config.databaseSchema);
  try {
    return await fn(sql);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** The courses (and their lessons as jsonb) of the schema as COPY text: the floor's input, taken once. */
export async function exportCoursesCopy(config: Pick<Config, 'databaseUrl' | 'databaseSchema'>): Promise<Buffer> {
  return withCopyClient(config, async (conn) => {
    const chunks: Buffer[] = [];
    const stream = await conn
      .unsafe(
        `COPY (SELECT ${courseColumns},
           (SELECT coalesce(jsonb_agg(jsonb_build_object('title', l.title, 'content', l.content, 'order', l.position) ORDER BY l.position), '[]')
            FROM lessons l WHERE l.course_id = c.id) AS lessons
         FROM courses c ORDER BY c.id) TO STDOUT`,
      )
      .readable();
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  });
}

/** COPY into an unlogged table, then one set-based INSERT … SELECT … ON CONFLICT into a courses-shaped table. */
export async function pgFloor(sql: Sql, config: Pick<Config, 'databaseUrl' | 'databaseSchema'>, copyText: Buffer): Promise<{ ms: number; rows: number }> {
  await sql.unsafe(`DROP TABLE IF EXISTS floor_stage, floor_courses`);
  await sql.unsafe(`CREATE UNLOGGED TABLE floor_stage (LIKE courses INCLUDING DEFAULTS, lessons jsonb)`);
  await sql.unsafe(`ALTER TABLE floor_stage DROP COLUMN id`);
  await sql.unsafe(`CREATE TABLE floor_courses (LIKE courses INCLUDING ALL, lessons jsonb)`);
  const { ms, value } = await timed(async () => {
    await withCopyClient(config, async (conn) => {
      const writable = await conn.unsafe(`COPY floor_stage (${courseColumns}, lessons) FROM STDIN`).writable();
      await pipeline(Readable.from([copyText]), writable);
    });
    const res = await sql.unsafe(`
      INSERT INTO floor_courses (${courseColumns}, lessons)
      SELECT ${courseColumns}, lessons FROM floor_stage
      ON CONFLICT (natural_key) DO UPDATE SET title = EXCLUDED.title, description = EXCLUDED.description,
        price = EXCLUDED.price, tags = EXCLUDED.tags, content_hash = EXCLUDED.content_hash, lessons = EXCLUDED.lessons
      WHERE floor_courses.content_hash IS DISTINCT FROM EXCLUDED.content_hash`);
    return res.count;
  });
  await sql.unsafe(`DROP TABLE IF EXISTS floor_stage, floor_courses`);
  return { ms, rows: value };
}

/** The documents of every course of the schema as prebuilt `_bulk` bodies of `bulkSize` documents. */
export async function buildNdjson(sql: Sql, bulkSize: number): Promise<{ bodies: string[]; docs: number }> {
  const bodies: string[] = [];
  let after = 0;
  let docs = 0;
  for (;;) {
    const page = await allDocuments(sql, after, bulkSize);
    if (page.length === 0) break;
    bodies.push(page.map((c) => `{"index":{"_id":"${c.id}"}}\n${c.doc}\n`).join(''));
    docs += page.length;
    after = page[page.length - 1]!.id;
  }
  return { bodies, docs };
}

/** A fresh index with the courses' mapping; `refresh_interval` as the caller asks (a reindex builds with -1). */
export async function createScratchIndex(es: SearchClient, index: string, refreshInterval?: string): Promise<void> {
  await es.indices.delete({ index, ignore_unavailable: true });
  await es.indices.create({
    index,
    settings: { ...indexSettings, ...(refreshInterval ? { refresh_interval: refreshInterval } : {}) },
    mappings: courseMappings,
  });
}

/** Prebuilt NDJSON to `_bulk` in a loop, then a refresh: no application code between the bytes and the index. */
export async function esFloor(esUrl: string, es: SearchClient, index: string, bodies: string[], refreshInterval?: string): Promise<{ ms: number; docs: number }> {
  await createScratchIndex(es, index, refreshInterval);
  const { ms, value } = await timed(async () => {
    let docs = 0;
    for (const body of bodies) {
      const res = await fetch(`${esUrl}/${index}/_bulk`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body });
      const json = (await res.json()) as { errors: boolean; items: unknown[] };
      if (!res.ok || json.errors) throw new Error(`floor _bulk failed: ${res.status}`);
      docs += json.items.length;
    }
    if (refreshInterval) await es.indices.putSettings({ index, settings: { refresh_interval: '1s' } });
    await es.indices.refresh({ index });
    return docs;
  });
  await es.indices.delete({ index, ignore_unavailable: true });
  return { ms, docs: value };
}

// W3/W4's catalogue: courses written straight into PostgreSQL (normalised by the real domain code), set-based.
import type { Sql } from '../src/db/client';
import { courseContentHash, normalizeCourse } from '../src/domain/normalize';
import type { NormalizedCourse } from '../src/domain/types';
import { CSV_HEADER, courseCells, courseStream } from '../test/support/generate';
import { SEED } from './data';

const header = CSV_HEADER.split(',');

async function insertBatch(sql: Sql, batch: (NormalizedCourse & { content_hash: string })[]): Promise<void> {
  const json = sql.json(batch as never);
  await sql`
    INSERT INTO courses (natural_key, external_id, title, description, category, instructor, duration_hours,
      difficulty, learning_mode, price, is_free, tags, quality_score, content_hash)
    SELECT c->>'natural_key', c->>'external_id', c->>'title', c->>'description', c->>'category', c->>'instructor',
      (c->>'duration_hours')::numeric, c->>'difficulty', c->>'learning_mode', (c->>'price')::numeric, (c->>'is_free')::boolean,
      ARRAY(SELECT jsonb_array_elements_text(c->'tags')), (c->>'quality_score')::smallint, c->>'content_hash'
    FROM jsonb_array_elements(${json}) c
    ON CONFLICT (natural_key) DO NOTHING`;
  await sql`
    INSERT INTO lessons (course_id, position, title, content, video_url)
    SELECT co.id, (l->>'order')::int, l->>'title', l->>'content', l->>'video_url'
    FROM jsonb_array_elements(${json}) c JOIN courses co ON co.natural_key = c->>'natural_key',
      jsonb_array_elements(c->'lessons') l
    ON CONFLICT DO NOTHING`;
}

/** Makes sure the schema holds `count` generated courses (idempotent: a second call adds nothing). */
export async function seedCourses(sql: Sql, count: number): Promise<number> {
  let batch: (NormalizedCourse & { content_hash: string })[] = [];
  for (const g of courseStream(count, SEED + 7, 5_000_000)) {
    const cells = courseCells(g);
    const raw = Object.fromEntries(header.map((h, i) => [h, String(cells[i])]));
    const r = normalizeCourse(raw);
    if (!r.ok) throw new Error(`generated course ${g.external_id} does not normalise: ${JSON.stringify(r.errors)}`);
    batch.push({ ...r.course, content_hash: courseContentHash(r.course) });
    if (batch.length >= 2000) {
      await insertBatch(sql, batch);
      batch = [];
    }
  }
  await insertBatch(sql, batch);
  await sql`ANALYZE courses`;
  await sql`ANALYZE lessons`;
  const [row] = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM courses`;
  return row?.n ?? 0;
}

// W3/W4's catalogue: courses written straight into PostgreSQL (normalised by the real domain code), set-based.
import type { Sql } from '../src/db/client';
import { courseContentHash, normalizeCourse } from '../src/domain/normalize';
import { seedCategoriesFromCourses } from '../src/db/categories';
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

const FR_TOPICS = ['Python', 'Django', 'Rust', 'Go', 'Kubernetes', 'SQL', 'Excel', 'Photoshop', 'Marketing digital', 'Comptabilité', 'Gestion de projet', 'Cuisine française'];
const EN_TOPICS = ['JavaScript', 'React', 'TypeScript', 'Machine Learning', 'Data Science', 'Public Speaking', 'Leadership', 'Docker', 'Linux', 'Statistics', 'Guitar', 'Photography'];
const INSTRUCTORS = ['Jean Dupont', 'Marie Martin', 'Léa Moreau', 'Hugo Bernard', 'Alice Smith', 'Bob Johnson', 'Chloé Petit', 'David Brown'];
const textArray = (xs: string[]) => `ARRAY[${xs.map((x) => `'${x.replace(/'/g, "''")}'`).join(',')}]::text[]`;

/**
 * W5's large catalogue, built by PostgreSQL itself (INSERT … SELECT over generate_series, no row through this
 * process): `count` courses `SEED-0000001`… with 3–12 lessons each, shaped like the generator's after
 * normalisation (the same topics, titles, descriptions, instructors, enums, prices, tags), each field drawn from a
 * hash of the course's number so the same call gives the same catalogue. Courses and their lessons go in one
 * statement per `chunk` courses, then VACUUM ANALYZE (the steady state of a real catalogue, and no autovacuum
 * pass in the middle of what is measured next). `onChunk` hears the courses written so far. Returns the number of
 * courses in the schema.
 */
export async function seedCatalogueSql(sql: Sql, count: number, onChunk: (done: number) => void = () => {}, chunk = 100_000): Promise<number> {
  // The secondary indexes (the title's trigram GIN above all) and the lessons' foreign key are dropped while the
  // rows go in and put back after, as a bulk load does: one index build and one validating pass cost a fraction
  // of maintaining them row by row. Their definitions are read from the catalog, so they come back exactly.
  const indexes = await sql<{ name: string; def: string }[]>`
    SELECT i.relname AS name, pg_get_indexdef(i.oid) AS def
    FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
    WHERE t.relname IN ('courses', 'lessons') AND t.relnamespace = current_schema()::regnamespace
      AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid)`;
  const foreignKeys = await sql<{ name: string; def: string }[]>`
    SELECT conname AS name, pg_get_constraintdef(oid) AS def FROM pg_constraint
    WHERE conrelid = 'lessons'::regclass AND contype = 'f'`;
  for (const i of indexes) await sql.unsafe(`DROP INDEX ${i.name}`);
  for (const k of foreignKeys) await sql.unsafe(`ALTER TABLE lessons DROP CONSTRAINT ${k.name}`);
  // The taxonomy (issue 14) as a real catalogue has it: seeded by the product from the first chunk's category
  // values (as a worker does at start-up), then each later course gets its category's id as it is written.
  let categoryIds: { value: string; id: number }[] = [];
  for (let lo = 1; lo <= count; lo += chunk) {
    const hi = Math.min(count, lo + chunk - 1);
    const categoryJoin = categoryIds.length
      ? `LEFT JOIN (VALUES ${categoryIds.map((c) => `('${c.value.replace(/'/g, "''")}', ${Number(c.id)})`).join(', ')}) AS cat(value, id) ON cat.value = named.category`
      : 'LEFT JOIN (SELECT NULL::text AS value, NULL::int AS id) cat ON false';
    // h and h2: two independent 32-bit hashes of i, their bit fields the draws (language, topic, free, …).
    await sql.unsafe(`
      WITH src AS (
        SELECT i, 'SEED-' || lpad(i::text, 7, '0') AS ext, (h & 1) = 0 AS fr, ((h >> 1) & 3) = 0 AS free,
          ((h >> 3) & 1023) % 12 + 1 AS topic_no, ((h >> 13) & 7) + 1 AS instructor_no, ((h >> 16) & 3) + 1 AS level_no,
          ((h >> 18) & 3) + 1 AS mode_no, 1 + ((h >> 20) & 1023) % 40 AS duration, 3 + (h2 & 1023) % 10 AS lesson_count,
          round((9 + ((h2 >> 10) & 65535) / 65536.0 * 190)::numeric, 2) AS price, 40 + ((h2 >> 26) & 31) AS quality
        FROM generate_series(${lo}, ${hi}) i, LATERAL (SELECT hashint8(i::bigint)::bigint & 4294967295 AS h, hashint8(-i::bigint)::bigint & 4294967295 AS h2) hh
      ), named AS (
        SELECT src.*, CASE WHEN fr THEN (${textArray(FR_TOPICS)})[topic_no] ELSE (${textArray(EN_TOPICS)})[topic_no] END AS topic,
          CASE WHEN fr THEN 'Développement' ELSE 'Development' END AS category
        FROM src
      ), ins AS (
        INSERT INTO courses (natural_key, external_id, title, description, category, instructor, duration_hours,
          difficulty, learning_mode, price, is_free, tags, quality_score, content_hash, category_id)
        SELECT 'ext:' || ext, ext,
          CASE WHEN fr THEN topic || ' : les fondamentaux, volume ' || i ELSE topic || ' essentials, volume ' || i END,
          CASE WHEN fr THEN 'Un cours complet pour maîtriser ' || topic || ' pas à pas, avec des exercices corrigés et des études de cas réelles.'
               ELSE 'A complete course to master ' || topic || ' step by step, with worked exercises and real-world case studies.' END,
          category, (${textArray(INSTRUCTORS)})[instructor_no], duration,
          (ARRAY['beginner', 'intermediate', 'advanced', 'all_levels'])[level_no],
          (ARRAY['text', 'video', 'practice', 'mixed'])[mode_no],
          CASE WHEN free THEN 0 ELSE price END, free,
          ARRAY[lower(topic), CASE WHEN fr THEN 'français' ELSE 'english' END], quality,
          md5(ext) || md5(ext || 'x'), cat.id
        FROM named ${categoryJoin}
        RETURNING id, external_id
      )
      INSERT INTO lessons (course_id, position, title)
      SELECT ins.id, k, CASE WHEN n.fr THEN 'Leçon ' || k || ' : ' || n.topic ELSE 'Lesson ' || k || ': ' || n.topic END
      FROM ins JOIN named n ON n.ext = ins.external_id, generate_series(1, n.lesson_count) k`);
    if (lo === 1) {
      await seedCategoriesFromCourses(sql);
      categoryIds = await sql<{ value: string; id: number }[]>`
        SELECT DISTINCT category AS value, category_id AS id FROM courses WHERE category_id IS NOT NULL`;
    }
    onChunk(hi);
  }
  for (const i of indexes) await sql.unsafe(i.def);
  for (const k of foreignKeys) await sql.unsafe(`ALTER TABLE lessons ADD CONSTRAINT ${k.name} ${k.def}`);
  await sql.unsafe('VACUUM (ANALYZE) courses');
  await sql.unsafe('VACUUM (ANALYZE) lessons');
  const [row] = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM courses`;
  return row?.n ?? 0;
}

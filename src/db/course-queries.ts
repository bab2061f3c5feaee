// Reads and bulk writes of courses for the admin: the PostgreSQL fallback search (same filters as the
// Elasticsearch list), a course's page, bulk selections and the set-based bulk actions, exports' pages.
import type { Sql } from './client';
import type { CourseFilters, CourseHit, CourseQuery, FacetBucket } from '../courses/filters';
import type postgres from 'postgres';
import type { CourseDocument } from './search-documents';

type Fragment = postgres.PendingQuery<postgres.Row[]>;

// Case and accents folded in SQL without the unaccent extension (which needs a superuser to install):
// "debutant" finds "Débutant".
const FROM_CHARS = 'àâäáãåçéèêëíìîïñóòôöõúùûüýÿ';
const TO_CHARS = 'aaaaaaceeeeiiiinooooouuuuyy';

function fold(sql: Sql, expr: Fragment): Fragment {
  return sql`translate(lower(${expr}), ${FROM_CHARS}, ${TO_CHARS})`;
}

function foldJs(s: string): string {
  let out = s.toLowerCase();
  for (let i = 0; i < FROM_CHARS.length; i++) out = out.replaceAll(FROM_CHARS[i]!, TO_CHARS[i]!);
  return out;
}

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

// The fallback's text: the course's own fields and its lessons, folded by the functions of migration 009.
const COURSE_ARGS = 'title, description, instructor, category, tags';

function likeWords(q: string): string[] {
  return foldJs(q).split(/\s+/).filter(Boolean).map((w) => `%${likeEscape(w)}%`);
}

/** The folded title, spelled with literals exactly as the trigram index of migration 009 is built, so the planner uses it. */
function foldedTitleOf(sql: Sql): Fragment {
  return sql.unsafe(`translate(lower(c.title), '${FROM_CHARS}', '${TO_CHARS}')`);
}

/** Courses whose title holds every word (folded): one LIKE per word, each served by the trigram index. */
function titleMatchesOf(sql: Sql, q: string): Fragment {
  const title = foldedTitleOf(sql);
  const all = likeWords(q).map((w) => sql`${title} LIKE ${w}`).reduce((a, b) => sql`${a} AND ${b}`);
  return sql`(SELECT c.id FROM courses c WHERE ${all})`;
}

/**
 * The ids of the courses whose text matches: every word as a folded substring of the course's own text or of one
 * of its lessons. A scan of both tables (no index on these texts: migration 009 says why).
 */
function textMatchesOf(sql: Sql, q: string): Fragment {
  const words = likeWords(q);
  const args = sql.unsafe(COURSE_ARGS);
  return sql`(
    SELECT id FROM courses WHERE course_folded_text(${args}) LIKE ALL (${words}::text[])
    UNION SELECT course_id FROM lessons WHERE lesson_folded_text(title, content) LIKE ALL (${words}::text[]))`;
}

function matchingIdsOf(sql: Sql, q: string): Fragment {
  return sql`(${titleMatchesOf(sql, q)} UNION ${textMatchesOf(sql, q)})`;
}

/**
 * Milliseconds the fallback gives the scan of descriptions and lessons. Titles are always matched (indexed); a
 * catalogue too large to scan in this time is searched by title only while Elasticsearch is away, and the page says so.
 */
export const FALLBACK_TEXT_SCAN_MS = 800;

type FacetName = 'category' | 'category_id' | 'difficulty' | 'learning_mode' | 'is_free' | 'is_active';

/**
 * The WHERE clause of the filters; `except` leaves one facet's own filter out (for its counts). `matched` is a
 * relation of the ids matching the text, already computed (searchCoursesPg computes it once for its 7 statements).
 */
function whereOf(sql: Sql, f: CourseFilters, except?: FacetName, matched?: Fragment): Fragment {
  const parts: Fragment[] = [sql`true`];
  const q = f.q.trim();
  if (q) parts.push(sql`c.id IN ${matched ?? matchingIdsOf(sql, q)}`);
  if (f.category.length && except !== 'category') parts.push(sql`c.category = ANY(${f.category}::text[])`);
  if (f.category_id?.length && except !== 'category_id') parts.push(sql`c.category_id = ANY(${f.category_id}::int[])`);
  if (f.difficulty.length && except !== 'difficulty') parts.push(sql`c.difficulty = ANY(${f.difficulty}::text[])`);
  if (f.learning_mode.length && except !== 'learning_mode') parts.push(sql`c.learning_mode = ANY(${f.learning_mode}::text[])`);
  if (f.is_free !== null && except !== 'is_free') parts.push(sql`c.is_free = ${f.is_free}`);
  if (f.is_active !== null && except !== 'is_active') parts.push(sql`c.is_active = ${f.is_active}`);
  if (f.price_min !== null) parts.push(sql`c.price >= ${f.price_min}`);
  if (f.price_max !== null) parts.push(sql`c.price <= ${f.price_max}`);
  return parts.reduce((a, b) => sql`${a} AND ${b}`);
}

function orderOf(sql: Sql, q: CourseQuery): Fragment {
  switch (q.sort) {
    case 'title':
      return sql`lower(c.title), c.id`;
    case 'price_asc':
      return sql`c.price, c.id`;
    case 'price_desc':
      return sql`c.price DESC, c.id`;
    case 'quality':
      return sql`c.quality_score DESC, c.id`;
    case 'relevance':
      if (q.q) return sql`(${fold(sql, sql`c.title`)} LIKE ${`%${likeEscape(foldJs(q.q))}%`}) DESC, c.created_at DESC, c.id`;
      return sql`c.created_at DESC, c.id`;
    default:
      return sql`c.created_at DESC, c.id`;
  }
}

/**
 * The course list from PostgreSQL (Elasticsearch disabled or away). With a text, the matching ids are computed once
 * into a temporary table that the count, the page and the facets read: titles through their index, then
 * descriptions and lessons by a scan bounded by FALLBACK_TEXT_SCAN_MS; `titlesOnly` is true when that scan was cut.
 */
export async function searchCoursesPg(sql: Sql, q: CourseQuery): Promise<{ total: number; hits: CourseHit[]; facets: Record<FacetName, FacetBucket[]>; titlesOnly: boolean }> {
  const text = q.q.trim();
  if (!text) return { ...(await searchWith(sql, q)), titlesOnly: false };
  return sql.begin(async (transaction) => {
    // The statement builders below take an Sql; a TransactionSql has the same query API and lacks only the
    // pool's own members (end, options…), which they never touch.
    const tx = transaction as unknown as Sql;
    await tx`CREATE TEMPORARY TABLE fallback_match ON COMMIT DROP AS ${titleMatchesOf(tx, text)}`;
    let titlesOnly = false;
    try {
      // In a savepoint: a scan cut by the timeout rolls back to here and the transaction goes on.
      await transaction.savepoint(async (sp) => {
        await sp`SELECT set_config('statement_timeout', ${String(FALLBACK_TEXT_SCAN_MS)}, true)`;
        await sp`INSERT INTO fallback_match ${textMatchesOf(sp as unknown as Sql, text)}`;
      });
    } catch (err) {
      if ((err as { code?: string }).code !== '57014') throw err; // 57014: query_canceled (the timeout)
      titlesOnly = true;
    }
    await tx`SELECT set_config('statement_timeout', '0', true)`;
    return { ...(await searchWith(tx, q, tx`(SELECT DISTINCT id FROM fallback_match)`)), titlesOnly };
  });
}

async function searchWith(sql: Sql, q: CourseQuery, matched?: Fragment): Promise<{ total: number; hits: CourseHit[]; facets: Record<FacetName, FacetBucket[]> }> {
  const where = whereOf(sql, q, undefined, matched);
  const [{ n } = { n: 0 }] = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM courses c WHERE ${where}`;
  const rows = await sql<(Omit<CourseHit, 'highlight' | 'created_at'> & { created_at: Date })[]>`
    SELECT c.id, c.title, c.category, c.instructor, c.difficulty, c.learning_mode, c.price, c.is_free, c.is_active,
      c.quality_score, c.tags, c.created_at
    FROM courses c WHERE ${where} ORDER BY ${orderOf(sql, q)}
    LIMIT ${q.perPage} OFFSET ${(q.page - 1) * q.perPage}`;
  const facets = {} as Record<FacetName, FacetBucket[]>;
  const columns: Record<FacetName, Fragment> = {
    category: sql`c.category`,
    // By taxonomy category (issue 14), as the Elasticsearch facet.
    category_id: sql`c.category_id::text`,
    difficulty: sql`c.difficulty`,
    learning_mode: sql`c.learning_mode`,
    is_free: sql`c.is_free::text`,
    is_active: sql`c.is_active::text`,
  };
  for (const [name, column] of Object.entries(columns) as [FacetName, Fragment][]) {
    facets[name] = await sql<FacetBucket[]>`
      SELECT ${column} AS value, count(*)::int AS count FROM courses c
      WHERE ${whereOf(sql, q, name, matched)} AND ${column} IS NOT NULL
      GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 50`;
  }
  return { total: n, hits: rows.map((r) => ({ ...r, created_at: r.created_at.toISOString(), highlight: {} })), facets };
}

/** Puts every course matching the filters into a bulk selection, in one statement. */
export async function selectMatchingPg(sql: Sql, bulkId: string, f: CourseFilters): Promise<number> {
  const res = await sql`
    INSERT INTO bulk_selections (bulk_id, course_id) SELECT ${bulkId}, c.id FROM courses c WHERE ${whereOf(sql, f)}
    ON CONFLICT DO NOTHING`;
  return res.count;
}

/** Adds ids (from a checkbox selection or an Elasticsearch page) to a selection; unknown ids are dropped. */
export async function addToSelection(sql: Sql, bulkId: string, ids: number[]): Promise<number> {
  if (ids.length === 0) return 0;
  const res = await sql`
    INSERT INTO bulk_selections (bulk_id, course_id)
    SELECT ${bulkId}, c.id FROM courses c WHERE c.id = ANY(${ids}::bigint[])
    ON CONFLICT DO NOTHING`;
  return res.count;
}

export async function selectionSize(sql: Sql, bulkId: string): Promise<number> {
  const [row] = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM bulk_selections WHERE bulk_id = ${bulkId}`;
  return row?.n ?? 0;
}

/** The next page of a selection's course ids, keyset on id. */
export async function selectionPage(sql: Sql, bulkId: string, afterId: number, limit: number): Promise<number[]> {
  const rows = await sql<{ course_id: number }[]>`
    SELECT course_id FROM bulk_selections WHERE bulk_id = ${bulkId} AND course_id > ${afterId} ORDER BY course_id LIMIT ${limit}`;
  return rows.map((r) => r.course_id);
}

export async function dropSelection(sql: Sql, bulkId: string): Promise<void> {
  await sql`DELETE FROM bulk_selections WHERE bulk_id = ${bulkId}`;
}

/** Activate / deactivate: updated_at moves, so a running reindex re-copies them before it switches. */
export async function setActive(sql: Sql, ids: number[], active: boolean): Promise<number[]> {
  if (ids.length === 0) return [];
  const rows = await sql<{ id: number }[]>`
    UPDATE courses SET is_active = ${active}, updated_at = now() WHERE id = ANY(${ids}::bigint[]) RETURNING id`;
  return rows.map((r) => r.id);
}

export async function deleteCourses(sql: Sql, ids: number[]): Promise<number> {
  if (ids.length === 0) return 0;
  // Lessons go with the course (ON DELETE CASCADE); staging rows keep their history.
  const res = await sql`DELETE FROM courses WHERE id = ANY(${ids}::bigint[])`;
  return res.count;
}

/** A course as the admin shows it: the search document's fields plus identity, hash and full lessons. */
export interface CourseRow extends Omit<CourseDocument, 'lessons' | 'suggest' | 'created_at' | 'updated_at'> {
  created_at: Date;
  updated_at: Date;
  natural_key: string;
  content_hash: string;
  lessons: { title: string; content: string | null; order: number; video_url: string | null }[];
}

const courseColumns = (sql: Sql) => sql`
  c.id, c.natural_key, c.external_id, c.title, c.description, c.category, c.instructor, c.duration_hours, c.difficulty,
  c.learning_mode, c.price, c.is_free, c.tags, c.quality_score, c.is_active, c.content_hash, c.created_at, c.updated_at,
  (SELECT coalesce(jsonb_agg(jsonb_build_object('title', l.title, 'content', l.content, 'order', l.position, 'video_url', l.video_url)
     ORDER BY l.position), '[]'::jsonb) FROM lessons l WHERE l.course_id = c.id) AS lessons`;

export async function getCourse(sql: Sql, id: number): Promise<CourseRow | null> {
  const [row] = await sql<CourseRow[]>`SELECT ${courseColumns(sql)} FROM courses c WHERE c.id = ${id}`;
  return row ?? null;
}

export async function coursesByIds(sql: Sql, ids: number[]): Promise<CourseRow[]> {
  if (ids.length === 0) return [];
  return sql<CourseRow[]>`SELECT ${courseColumns(sql)} FROM courses c WHERE c.id = ANY(${ids}::bigint[]) ORDER BY c.id`;
}

export async function naturalKeysTaken(sql: Sql, keys: string[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const rows = await sql<{ natural_key: string }[]>`SELECT natural_key FROM courses WHERE natural_key = ANY(${keys}::text[])`;
  return new Set(rows.map((r) => r.natural_key));
}

export interface NewCourse {
  natural_key: string;
  title: string;
  content_hash: string;
  source_id: number;
}

/** The copies a bulk action already made of these sources (a retried step skips them). */
export async function existingCopies(sql: Sql, bulkId: string, sourceIds: number[]): Promise<Map<number, number>> {
  if (sourceIds.length === 0) return new Map();
  const rows = await sql<{ source_id: number; copy_id: number }[]>`
    SELECT source_id, copy_id FROM bulk_copies WHERE bulk_id = ${bulkId} AND source_id = ANY(${sourceIds}::bigint[])`;
  return new Map(rows.map((r) => [r.source_id, r.copy_id]));
}

/** Copies courses (and their lessons) under new titles and keys, inactive, in one transaction; returns the new ids. */
export async function insertCopies(sql: Sql, bulkId: string, copies: NewCourse[]): Promise<number[]> {
  if (copies.length === 0) return [];
  return sql.begin(async (tx) => {
    const rows = await tx<{ id: number; source_id: number }[]>`
      WITH src AS (
        SELECT * FROM jsonb_to_recordset(${tx.json(copies as never)}) AS x(natural_key text, title text, content_hash text, source_id bigint)
      ), ins AS (
        INSERT INTO courses (natural_key, external_id, title, description, category, instructor, duration_hours, difficulty,
          learning_mode, price, is_free, tags, quality_score, is_active, content_hash)
        SELECT s.natural_key, NULL, s.title, c.description, c.category, c.instructor, c.duration_hours, c.difficulty,
          c.learning_mode, c.price, c.is_free, c.tags, c.quality_score, false, s.content_hash
        FROM src s JOIN courses c ON c.id = s.source_id
        RETURNING id, natural_key
      )
      SELECT ins.id, s.source_id FROM ins JOIN src s USING (natural_key)`;
    const pairs = rows.map((r) => ({ id: r.id, source_id: r.source_id }));
    await tx`
      INSERT INTO lessons (course_id, position, title, content, video_url)
      SELECT n.id, l.position, l.title, l.content, l.video_url
      FROM jsonb_to_recordset(${tx.json(pairs as never)}) AS n(id bigint, source_id bigint)
      JOIN lessons l ON l.course_id = n.source_id`;
    await tx`
      INSERT INTO bulk_copies (bulk_id, source_id, copy_id)
      SELECT ${bulkId}, n.source_id, n.id FROM jsonb_to_recordset(${tx.json(pairs as never)}) AS n(id bigint, source_id bigint)`;
    return rows.map((r) => r.id);
  });
}

export interface CourseImportRef {
  id: string;
  file_name: string;
  source: string;
  status: string;
  created_at: Date;
  finished_at: Date | null;
  action: string | null;
  row_number: number;
}

/**
 * The imports that touched a course, newest first, with what each did to it: the rows planned against the course
 * as it existed (import_rows.course_id, set at staging), and the row of the import that created it (its
 * created_by_import, whose row import_courses records).
 */
export async function importsOfCourse(sql: Sql, courseId: number, limit = 50): Promise<CourseImportRef[]> {
  return sql<CourseImportRef[]>`
    SELECT * FROM (
      SELECT i.id, i.file_name, i.source, i.status, i.created_at, i.finished_at, r.action, r.row_number
      FROM import_rows r JOIN imports i ON i.id = r.import_id
      WHERE r.course_id = ${courseId}
      UNION
      SELECT i.id, i.file_name, i.source, i.status, i.created_at, i.finished_at, r.action, r.row_number
      FROM courses c JOIN import_courses a ON a.import_id = c.created_by_import AND a.course_id = c.id
        JOIN import_rows r ON r.import_id = a.import_id AND r.row_number = a.row_number
        JOIN imports i ON i.id = a.import_id
      WHERE c.id = ${courseId}
    ) t
    ORDER BY created_at DESC LIMIT ${limit}`;
}

/** Courses for an export, in id order, a page at a time: the export never holds the whole catalogue. */
export async function exportPage(sql: Sql, ids: number[] | null, f: CourseFilters | null, afterId: number, limit: number): Promise<CourseRow[]> {
  const where = ids ? sql`c.id = ANY(${ids}::bigint[])` : f ? whereOf(sql, f) : sql`true`;
  return sql<CourseRow[]>`SELECT ${courseColumns(sql)} FROM courses c WHERE ${where} AND c.id > ${afterId} ORDER BY c.id LIMIT ${limit}`;
}

export interface CourseTotals {
  total: number;
  active: number;
}

export async function courseTotals(sql: Sql): Promise<CourseTotals> {
  const [row] = await sql<CourseTotals[]>`SELECT count(*)::int AS total, count(*) FILTER (WHERE is_active)::int AS active FROM courses`;
  return row ?? { total: 0, active: 0 };
}

/** Autocomplete without Elasticsearch: titles starting with (then containing) the typed text, accents ignored. */
export async function suggestTitlesPg(sql: Sql, prefix: string, limit: number): Promise<{ text: string; courseId: number; title: string }[]> {
  const p = likeEscape(foldJs(prefix.trim()));
  if (!p) return [];
  // Spelled with literals, as the index of migration 009 is, so that the planner can use it.
  const foldedTitle = foldedTitleOf(sql);
  const rows = await sql<{ id: number; title: string }[]>`
    SELECT c.id, c.title FROM courses c
    WHERE ${foldedTitle} LIKE ${`%${p}%`}
    ORDER BY (${fold(sql, sql`c.title`)} LIKE ${`${p}%`}) DESC, lower(c.title) LIMIT ${limit}`;
  return rows.map((r) => ({ text: r.title, courseId: r.id, title: r.title }));
}

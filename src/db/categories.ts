// The category taxonomy (issue 14): categories, courses.category_id, the import rows' chosen category and the
// auto-categoriser's suggestions. Every statement on these tables lives here; the rules (folding, matching,
// near-duplicates, seeding plan) are pure, in src/domain/taxonomy.ts.
import type { Sql } from './client';
import { buildMatcher, matchCategory, seedPlan, slugOf, type TaxonomyCategory } from '../domain/taxonomy';

/** A category with how many courses it holds (the admin page's list). */
export interface CategoryRow extends TaxonomyCategory {
  mergedInto: number | null;
  courses: number;
  createdAt: Date;
  updatedAt: Date;
}

/** What an admin gives to create or change a category (already trimmed and bounded by the route). */
export interface CategoryInput {
  nameFr: string;
  nameEn: string;
  synonyms: string[];
  parentId: number | null;
}

/** A rule of the taxonomy refused a change: the route shows `code` translated (categories.error.<code>). */
export class CategoryError extends Error {
  override readonly name = 'CategoryError';
  constructor(
    readonly code: 'not_found' | 'parent_not_found' | 'parent_has_parent' | 'has_children' | 'self_parent' | 'merge_self' | 'merge_inactive' | 'merge_levels',
    message: string,
  ) {
    super(message);
  }
}

const SELECT = (sql: Sql) => sql`
  SELECT k.id, k.slug, k.name_fr AS "nameFr", k.name_en AS "nameEn", k.synonyms, k.parent_id AS "parentId", k.active,
    k.merged_into AS "mergedInto", k.created_at AS "createdAt", k.updated_at AS "updatedAt",
    (SELECT count(*)::int FROM courses c WHERE c.category_id = k.id) AS courses
  FROM categories k`;

/** Every category (active or not), parents before their children, then by French name. */
export async function listCategories(sql: Sql): Promise<CategoryRow[]> {
  return sql<CategoryRow[]>`${SELECT(sql)} ORDER BY coalesce(k.parent_id, k.id), k.parent_id NULLS FIRST, lower(k.name_fr), k.id`;
}

/** The taxonomy as the matching reads it (no course counts: cheap, read once per import attempt). */
export async function taxonomy(sql: Sql): Promise<TaxonomyCategory[]> {
  return sql<TaxonomyCategory[]>`
    SELECT id, slug, name_fr AS "nameFr", name_en AS "nameEn", synonyms, parent_id AS "parentId", active
    FROM categories ORDER BY id`;
}

export async function getCategory(sql: Sql, id: number): Promise<CategoryRow | null> {
  const [row] = await sql<CategoryRow[]>`${SELECT(sql)} WHERE k.id = ${id}`;
  return row ?? null;
}

/** A slug not yet taken: the name's, else with "-2", "-3"… */
async function freeSlug(sql: Sql, name: string): Promise<string> {
  const base = slugOf(name);
  const taken = new Set(
    (await sql<{ slug: string }[]>`SELECT slug FROM categories WHERE slug = ${base} OR slug LIKE ${`${base}-%`}`).map((r) => r.slug),
  );
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
}

/**
 * Two levels at most: a parent must exist and have no parent itself, and a category that has children cannot get
 * a parent. Throws CategoryError.
 */
async function checkParent(sql: Sql, id: number | null, parentId: number | null): Promise<void> {
  if (parentId === null) return;
  if (id !== null && parentId === id) throw new CategoryError('self_parent', 'a category cannot be its own parent');
  const [parent] = await sql<{ parent_id: number | null }[]>`SELECT parent_id FROM categories WHERE id = ${parentId}`;
  if (!parent) throw new CategoryError('parent_not_found', `no category ${parentId}`);
  if (parent.parent_id !== null) throw new CategoryError('parent_has_parent', 'the parent is itself a sub-category (two levels at most)');
  if (id !== null) {
    const [child] = await sql`SELECT 1 FROM categories WHERE parent_id = ${id} LIMIT 1`;
    if (child) throw new CategoryError('has_children', 'this category has sub-categories: it cannot become one (two levels at most)');
  }
}

/** Creates a category; its slug comes from the English name. Throws CategoryError on a parent rule. */
export async function createCategory(sql: Sql, input: CategoryInput): Promise<CategoryRow> {
  // postgres.js types a transaction apart from a pool; the statements are the same (hence the cast).
  return sql.begin(async (tx) => insertCategoryIn(tx as unknown as Sql, input));
}

/**
 * createCategory inside a transaction the caller holds (a course saved by hand with a new category: both or
 * neither). The advisory lock serialises slug choice until that transaction ends. Throws CategoryError.
 */
export async function insertCategoryIn(tx: Sql, input: CategoryInput): Promise<CategoryRow> {
  await tx`SELECT pg_advisory_xact_lock(7345120022)`;
  await checkParent(tx, null, input.parentId);
  const slug = await freeSlug(tx, input.nameEn);
  const [row] = await tx<{ id: number }[]>`
    INSERT INTO categories (slug, name_fr, name_en, synonyms, parent_id)
    VALUES (${slug}, ${input.nameFr}, ${input.nameEn}, ${input.synonyms}, ${input.parentId}) RETURNING id`;
  return (await getCategory(tx, row!.id))!;
}

/**
 * Renames a category, sets its synonyms and parent. `renamed` says whether a name changed (its courses' search
 * documents hold the names: the caller re-indexes them). Throws CategoryError.
 */
export async function updateCategory(sql: Sql, id: number, input: CategoryInput): Promise<{ renamed: boolean }> {
  return sql.begin(async (tx) => {
    const t = tx as unknown as Sql;
    const [before] = await t<{ name_fr: string; name_en: string }[]>`SELECT name_fr, name_en FROM categories WHERE id = ${id} FOR UPDATE`;
    if (!before) throw new CategoryError('not_found', `no category ${id}`);
    await checkParent(t, id, input.parentId);
    await t`
      UPDATE categories SET name_fr = ${input.nameFr}, name_en = ${input.nameEn}, synonyms = ${input.synonyms},
        parent_id = ${input.parentId}, updated_at = now()
      WHERE id = ${id}`;
    return { renamed: before.name_fr !== input.nameFr || before.name_en !== input.nameEn };
  });
}

/** Deactivates (or reactivates) a category: an inactive one matches no new import value; its courses keep it. */
export async function setCategoryActive(sql: Sql, id: number, active: boolean): Promise<void> {
  const r = await sql`UPDATE categories SET active = ${active}, updated_at = now() WHERE id = ${id}`;
  if (r.count === 0) throw new CategoryError('not_found', `no category ${id}`);
}

/**
 * Merges category `fromId` into `intoId`, in one transaction: its courses (and the suggestions naming it) move to
 * `intoId` (updated_at set, so a running reindex re-copies them), its names and synonyms become synonyms of
 * `intoId` (so the values it matched still match), its sub-categories move under `intoId`, and it is left
 * inactive with `merged_into` set. Returns how many courses moved. Throws CategoryError: the same category,
 * an inactive target, or a merge that would make three levels.
 */
export async function mergeCategories(sql: Sql, fromId: number, intoId: number): Promise<{ moved: number }> {
  if (fromId === intoId) throw new CategoryError('merge_self', 'a category cannot be merged into itself');
  return sql.begin(async (tx) => {
    const t = tx as unknown as Sql;
    const rows = await t<{ id: number; name_fr: string; name_en: string; synonyms: string[]; parent_id: number | null; active: boolean }[]>`
      SELECT id, name_fr, name_en, synonyms, parent_id, active FROM categories WHERE id IN (${fromId}, ${intoId}) ORDER BY id FOR UPDATE`;
    const from = rows.find((r) => r.id === fromId);
    const into = rows.find((r) => r.id === intoId);
    if (!from || !into) throw new CategoryError('not_found', `no category ${!from ? fromId : intoId}`);
    if (!into.active) throw new CategoryError('merge_inactive', 'the target category is inactive');
    const [child] = await t`SELECT 1 FROM categories WHERE parent_id = ${fromId} LIMIT 1`;
    if (child && into.parent_id !== null) throw new CategoryError('merge_levels', 'the merged category has sub-categories and the target is a sub-category (two levels at most)');
    if (into.parent_id === fromId) await t`UPDATE categories SET parent_id = ${from.parent_id} WHERE id = ${intoId}`;
    const moved = await t`UPDATE courses SET category_id = ${intoId}, updated_at = now() WHERE category_id = ${fromId}`;
    await t`UPDATE categories SET parent_id = ${intoId}, updated_at = now() WHERE parent_id = ${fromId} AND id <> ${intoId}`;
    await t`UPDATE category_suggestions SET category_id = ${intoId} WHERE category_id = ${fromId}`;
    await t`UPDATE category_suggestions SET corrected_category_id = ${intoId} WHERE corrected_category_id = ${fromId}`;
    const names = new Set([into.name_fr, into.name_en].map((n) => n.toLowerCase()));
    const synonyms = [...into.synonyms];
    for (const s of [from.name_fr, from.name_en, ...from.synonyms]) {
      if (names.has(s.toLowerCase()) || synonyms.some((x) => x.toLowerCase() === s.toLowerCase())) continue;
      synonyms.push(s);
    }
    await t`UPDATE categories SET synonyms = ${synonyms}, updated_at = now() WHERE id = ${intoId}`;
    await t`UPDATE categories SET active = false, merged_into = ${intoId}, synonyms = '{}', updated_at = now() WHERE id = ${fromId}`;
    return { moved: moved.count };
  });
}

/**
 * Seeds the taxonomy from the distinct courses.category values (src/domain/taxonomy.ts seedPlan) and sets
 * courses.category_id of the courses it covers. Does nothing when the taxonomy already has a category (so it is
 * idempotent, and never brings back what an admin merged away). Serialised by an advisory lock: the worker, or
 * several, may run it at start-up together. Returns what it created.
 */
export async function seedCategoriesFromCourses(sql: Sql): Promise<{ categories: number; courses: number }> {
  return sql.begin(async (tx) => {
    const t = tx as unknown as Sql;
    await t`SELECT pg_advisory_xact_lock(7345120022)`;
    const [any] = await t`SELECT 1 FROM categories LIMIT 1`;
    if (any) return { categories: 0, courses: 0 };
    const values = await t<{ value: string; courses: number }[]>`
      SELECT category AS value, count(*)::int AS courses FROM courses WHERE category IS NOT NULL AND btrim(category) <> '' GROUP BY category`;
    const plan = seedPlan(values);
    if (plan.length === 0) return { categories: 0, courses: 0 };
    // One insert per category: seeding runs once, over a few hundred distinct values at most.
    const created: { id: number; slug: string }[] = [];
    for (const p of plan) {
      const [r] = await t<{ id: number; slug: string }[]>`
        INSERT INTO categories (slug, name_fr, name_en, synonyms) VALUES (${p.slug}, ${p.nameFr}, ${p.nameEn}, ${p.synonyms}) RETURNING id, slug`;
      created.push(r!);
    }
    const idOf = new Map(created.map((c) => [c.slug, c.id]));
    const pairs = plan.flatMap((p) => p.values.map((value) => ({ value, id: idOf.get(p.slug)! })));
    const updated = await t`
      UPDATE courses c SET category_id = v.id
      FROM unnest(${pairs.map((p) => p.value)}::text[], ${pairs.map((p) => p.id)}::int[]) AS v(value, id)
      WHERE btrim(regexp_replace(c.category, '\\s+', ' ', 'g')) = v.value AND c.category_id IS NULL`;
    return { categories: created.length, courses: updated.count };
  });
}

/**
 * Sets courses.category_id of courses without one whose category text matches the taxonomy (after a category was
 * created or given a synonym). Returns the ids changed, for re-indexing.
 */
export async function matchUncategorisedCourses(sql: Sql): Promise<number[]> {
  const matcher = buildMatcher(await taxonomy(sql));
  const values = await sql<{ value: string }[]>`
    SELECT DISTINCT category AS value FROM courses WHERE category_id IS NULL AND category IS NOT NULL`;
  const pairs: { value: string; id: number }[] = [];
  for (const v of values) {
    const m = matchCategory(matcher, v.value);
    if (m) pairs.push({ value: v.value, id: m.category.id });
  }
  if (pairs.length === 0) return [];
  const rows = await sql<{ id: number }[]>`
    UPDATE courses c SET category_id = v.id, updated_at = now()
    FROM unnest(${pairs.map((p) => p.value)}::text[], ${pairs.map((p) => p.id)}::int[]) AS v(value, id)
    WHERE c.category = v.value AND c.category_id IS NULL
    RETURNING c.id`;
  return rows.map((r) => r.id);
}

/** The taxonomy category a course is filed under (issue 14), or null when it has none. */
export async function categoryOfCourse(sql: Sql, courseId: number): Promise<{ id: number; nameFr: string; nameEn: string; active: boolean } | null> {
  const [row] = await sql<{ id: number; nameFr: string; nameEn: string; active: boolean }[]>`
    SELECT k.id, k.name_fr AS "nameFr", k.name_en AS "nameEn", k.active
    FROM courses c JOIN categories k ON k.id = c.category_id WHERE c.id = ${courseId}`;
  return row ?? null;
}

/** The categories' display names by id, for facets and pages. */
export async function categoryNames(sql: Sql, ids: number[]): Promise<Map<number, { nameFr: string; nameEn: string }>> {
  if (ids.length === 0) return new Map();
  const rows = await sql<{ id: number; nameFr: string; nameEn: string }[]>`
    SELECT id, name_fr AS "nameFr", name_en AS "nameEn" FROM categories WHERE id = ANY(${ids}::int[])`;
  return new Map(rows.map((r) => [r.id, { nameFr: r.nameFr, nameEn: r.nameEn }]));
}

/** A category created by the `create` policy during an import. */
export async function createImportedCategory(sql: Sql, name: string): Promise<TaxonomyCategory> {
  const row = await createCategory(sql, { nameFr: name, nameEn: name, synonyms: [], parentId: null });
  return { id: row.id, slug: row.slug, nameFr: row.nameFr, nameEn: row.nameEn, synonyms: row.synonyms, parentId: row.parentId, active: row.active };
}

/** One suggestion of the auto-categoriser for a row of an import. */
export interface NewSuggestion {
  importId: string | null;
  courseId: number | null;
  rowNumber: number | null;
  courseKey: string | null;
  categoryId: number;
  confidence: number;
  modelVersion: number;
  suggestedTags: string[];
  applied: boolean;
}

/**
 * Inserts suggestions in one statement per call (the caller batches). A suggestion for a row of an import
 * replaces the one a previous attempt of the same step stored (unique import_id + row_number).
 */
export async function insertSuggestions(sql: Sql, rows: NewSuggestion[]): Promise<void> {
  if (rows.length === 0) return;
  const json = rows.map((r) => ({
    import_id: r.importId, course_id: r.courseId, row_number: r.rowNumber, course_key: r.courseKey, category_id: r.categoryId,
    confidence: Math.min(1, Math.max(0, r.confidence)), model_version: r.modelVersion, suggested_tags: r.suggestedTags, applied: r.applied,
  }));
  await sql`
    INSERT INTO category_suggestions (import_id, course_id, row_number, course_key, category_id, confidence, model_version, suggested_tags, applied)
    SELECT v.import_id, v.course_id, v.row_number, v.course_key, v.category_id, v.confidence, v.model_version,
      ARRAY(SELECT jsonb_array_elements_text(v.suggested_tags)), v.applied
    FROM jsonb_to_recordset(${sql.json(json as never)})
      AS v(import_id uuid, course_id bigint, row_number int, course_key text, category_id int, confidence real, model_version int, suggested_tags jsonb, applied boolean)
    ON CONFLICT (import_id, row_number) WHERE import_id IS NOT NULL DO UPDATE SET
      course_key = EXCLUDED.course_key, category_id = EXCLUDED.category_id, confidence = EXCLUDED.confidence,
      model_version = EXCLUDED.model_version, suggested_tags = EXCLUDED.suggested_tags, applied = EXCLUDED.applied`;
}

/**
 * Ties an import's suggestions to their courses once they exist: the course the upsert wrote for the row
 * (import_courses), else the existing course the row was planned against.
 */
export async function linkImportSuggestions(sql: Sql, importId: string): Promise<number> {
  const r = await sql`
    UPDATE category_suggestions s SET course_id = coalesce(a.course_id, r.course_id)
    FROM import_rows r LEFT JOIN import_courses a ON a.import_id = r.import_id AND a.row_number = r.row_number
    WHERE s.import_id = ${importId} AND s.course_id IS NULL AND r.import_id = s.import_id AND r.row_number = s.row_number
      AND coalesce(a.course_id, r.course_id) IS NOT NULL`;
  return r.count;
}

/** A suggestion as the import's page lists it. */
export interface ImportSuggestion {
  rowNumber: number | null;
  title: string | null;
  courseId: number | null;
  categoryId: number;
  nameFr: string;
  nameEn: string;
  confidence: number;
  applied: boolean;
  status: string;
}

/** The first `limit` suggestions of an import, in row order, and how many there are in all. */
export async function importSuggestions(sql: Sql, importId: string, limit: number): Promise<{ rows: ImportSuggestion[]; total: number; applied: number }> {
  const rows = await sql<ImportSuggestion[]>`
    SELECT s.row_number AS "rowNumber", r.course->>'title' AS title, s.course_id AS "courseId", s.category_id AS "categoryId",
      k.name_fr AS "nameFr", k.name_en AS "nameEn", s.confidence, s.applied, s.status
    FROM category_suggestions s
    JOIN categories k ON k.id = s.category_id
    LEFT JOIN import_rows r ON r.import_id = s.import_id AND r.row_number = s.row_number
    WHERE s.import_id = ${importId}
    ORDER BY s.row_number LIMIT ${limit}`;
  const [c] = await sql<{ total: number; applied: number }[]>`
    SELECT count(*)::int AS total, count(*) FILTER (WHERE applied)::int AS applied FROM category_suggestions WHERE import_id = ${importId}`;
  return { rows, total: c?.total ?? 0, applied: c?.applied ?? 0 };
}

/** The ids of a category's courses after `afterId`, a page at a time (re-indexing after a rename or merge). */
export async function courseIdsOfCategory(sql: Sql, categoryId: number, afterId: number, limit: number): Promise<number[]> {
  const rows = await sql<{ id: number }[]>`
    SELECT id FROM courses WHERE category_id = ${categoryId} AND id > ${afterId} ORDER BY id LIMIT ${limit}`;
  return rows.map((r) => r.id);
}

/** A staged row as the category step reads it: its category value, the text the model reads, its course's category. */
export interface RowToCategorise {
  row_number: number;
  natural_key: string;
  action: 'create' | 'update';
  course_id: number | null;
  category: string | null;
  title: string;
  description: string | null;
  lesson_titles: string[];
  tags: string[];
  warnings: { code?: string }[] | null;
  /** The category the existing course has now (update rows), else null. */
  current_category_id: number | null;
}

/**
 * The next staged rows to categorise after `afterRow`: rows to create or update without errors (an unchanged row
 * is not written, so its category is not decided again).
 */
export async function readRowsToCategorise(sql: Sql, importId: string, afterRow: number, limit: number): Promise<RowToCategorise[]> {
  return sql<RowToCategorise[]>`
    SELECT r.row_number, r.natural_key, r.action, r.course_id, r.course->>'category' AS category, r.course->>'title' AS title,
      r.course->>'description' AS description,
      ARRAY(SELECT l->>'title' FROM jsonb_array_elements(coalesce(r.course->'lessons', '[]'::jsonb)) l WHERE l->>'title' IS NOT NULL) AS lesson_titles,
      ARRAY(SELECT jsonb_array_elements_text(coalesce(r.course->'tags', '[]'::jsonb))) AS tags,
      r.warnings, c.category_id AS current_category_id
    FROM import_rows r LEFT JOIN courses c ON c.id = r.course_id
    WHERE r.import_id = ${importId} AND r.action IN ('create', 'update') AND r.errors IS NULL AND r.row_number > ${afterRow}
    ORDER BY r.row_number LIMIT ${limit}`;
}

/** What the category step decided for one row: the category (or one to create), its warnings, or its error. */
export interface RowCategoryDecision {
  row_number: number;
  category_id: number | null;
  new_category: string | null;
  /** The row's whole warning list (null: none). */
  warnings: unknown[] | null;
  /** Set when the row is refused (the `refuse` policy): the row's errors, and its action becomes 'error'. */
  errors: unknown[] | null;
}

/** Writes a batch of decisions in one statement. */
export async function writeCategoryDecisions(sql: Sql, importId: string, rows: RowCategoryDecision[]): Promise<void> {
  if (rows.length === 0) return;
  await sql`
    UPDATE import_rows r SET category_id = v.category_id, new_category = v.new_category, warnings = v.warnings,
      errors = coalesce(v.errors, r.errors), action = CASE WHEN v.errors IS NULL THEN r.action ELSE 'error' END
    FROM jsonb_to_recordset(${sql.json(rows as never)})
      AS v(row_number int, category_id int, new_category text, warnings jsonb, errors jsonb)
    WHERE r.import_id = ${importId} AND r.row_number = v.row_number`;
}

/**
 * Creates the categories the `create` policy asked for (import_rows.new_category of the rows about to be written)
 * and sets those rows' category_id. A value that meanwhile matches a category (created by another import, or by
 * an earlier attempt of this step) takes that one. Returns how many categories were created.
 */
export async function createPendingCategories(sql: Sql, importId: string): Promise<number> {
  const pending = await sql<{ name: string }[]>`
    SELECT DISTINCT new_category AS name FROM import_rows
    WHERE import_id = ${importId} AND new_category IS NOT NULL AND category_id IS NULL AND action IN ('create', 'update')`;
  if (pending.length === 0) return 0;
  let created = 0;
  const ids: { name: string; id: number }[] = [];
  for (const { name } of pending) {
    const m = matchCategory(buildMatcher(await taxonomy(sql)), name);
    if (m) ids.push({ name, id: m.category.id });
    else {
      const c = await createImportedCategory(sql, name);
      created++;
      ids.push({ name, id: c.id });
    }
  }
  await sql`
    UPDATE import_rows r SET category_id = v.id
    FROM unnest(${ids.map((x) => x.name)}::text[], ${ids.map((x) => x.id)}::int[]) AS v(name, id)
    WHERE r.import_id = ${importId} AND r.new_category = v.name AND r.category_id IS NULL`;
  return created;
}

import type { Sql } from './client';

/**
 * Records a component's state and tells whether it changed. A component seen for the first time is assumed to
 * have been up, so a first check that finds it down alerts, and a first check that finds it up stays silent.
 */
export async function recordHealth(sql: Sql, component: string, state: 'up' | 'down', detail: string): Promise<{ changed: boolean; since: Date }> {
  return sql.begin(async (tx) => {
    const [prev] = await tx<{ state: string; changed_at: Date }[]>`SELECT state, changed_at FROM health_alerts WHERE component = ${component} FOR UPDATE`;
    const previous = prev?.state ?? 'up';
    if (prev && previous === state) return { changed: false, since: prev.changed_at };
    const [row] = await tx<{ changed_at: Date }[]>`
      INSERT INTO health_alerts (component, state, detail) VALUES (${component}, ${state}, ${detail})
      ON CONFLICT (component) DO UPDATE SET state = EXCLUDED.state, detail = EXCLUDED.detail, changed_at = now()
      RETURNING changed_at`;
    return { changed: previous !== state, since: row!.changed_at };
  });
}

export interface DigestFigures {
  byStatus: Record<string, number>;
  bySource: Record<string, number>;
  rows: { created: number; updated: number; failed: number };
  topErrors: { message: string; count: number }[];
  slowest: { fileName: string; importId: string; durationMs: number }[];
  coursesTotal: number;
  searches: { total: number; noResult: number };
}

/** What the daily summary reports, over one period, straight from the ledger. */
export async function digestFigures(sql: Sql, from: Date, to: Date): Promise<DigestFigures> {
  const statusRows = await sql<{ k: string; n: number }[]>`
    SELECT status AS k, count(*)::int AS n FROM imports WHERE created_at >= ${from} AND created_at < ${to} GROUP BY status`;
  const sourceRows = await sql<{ k: string; n: number }[]>`
    SELECT source AS k, count(*)::int AS n FROM imports WHERE created_at >= ${from} AND created_at < ${to} GROUP BY source`;
  const [rows] = await sql<{ created: number; updated: number; failed: number }[]>`
    SELECT coalesce(sum((counts->>'created')::int), 0)::int AS created, coalesce(sum((counts->>'updated')::int), 0)::int AS updated,
      coalesce(sum((counts->>'failed')::int), 0)::int AS failed
    FROM imports WHERE created_at >= ${from} AND created_at < ${to} AND status IN ('succeeded', 'succeeded_with_errors')`;
  const topErrors = await sql<{ message: string; count: number }[]>`
    SELECT message, count(*)::int AS count FROM (
      SELECT e->>'field' || ': ' || regexp_replace(e->>'message', '''[^'']*''', '''…''', 'g') AS message
      FROM imports i JOIN import_rows r ON r.import_id = i.id, jsonb_array_elements(r.errors) e
      WHERE i.created_at >= ${from} AND i.created_at < ${to} AND r.errors IS NOT NULL
      UNION ALL
      SELECT error_code || ': ' || coalesce(error_message, '') FROM imports
      WHERE created_at >= ${from} AND created_at < ${to} AND status = 'failed'
    ) m GROUP BY message ORDER BY count DESC, message LIMIT 5`;
  const slowest = await sql<{ fileName: string; importId: string; durationMs: number }[]>`
    SELECT file_name AS "fileName", id AS "importId", (extract(epoch FROM finished_at - started_at) * 1000)::int AS "durationMs"
    FROM imports WHERE created_at >= ${from} AND created_at < ${to} AND finished_at IS NOT NULL AND started_at IS NOT NULL
      AND status IN ('succeeded', 'succeeded_with_errors', 'failed')
    ORDER BY finished_at - started_at DESC LIMIT 5`;
  const [courses] = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM courses`;
  // Search analytics arrive with the admin's course search; a deployment without it reports zero searches.
  const [hasLog] = await sql<{ present: boolean }[]>`SELECT to_regclass('search_log') IS NOT NULL AS present`;
  let searches = { total: 0, noResult: 0 };
  if (hasLog?.present) {
    const [s] = await sql<{ total: number; noResult: number }[]>`
      SELECT count(*)::int AS total, count(*) FILTER (WHERE result_count = 0)::int AS "noResult"
      FROM search_log WHERE at >= ${from} AND at < ${to}`;
    if (s) searches = s;
  }
  return {
    byStatus: Object.fromEntries(statusRows.map((r) => [r.k, r.n])),
    bySource: Object.fromEntries(sourceRows.map((r) => [r.k, r.n])),
    rows: rows ?? { created: 0, updated: 0, failed: 0 },
    topErrors: [...topErrors],
    slowest: [...slowest],
    coursesTotal: courses?.n ?? 0,
    searches,
  };
}

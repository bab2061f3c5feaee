// Read-only aggregates of the imports ledger for the dashboard and the monitoring page.
import type { Sql } from './client';
import type { ImportRecord } from './imports';

export interface ImportFigures {
  today: number;
  week: number;
  finished_week: number;
  succeeded_week: number;
  avg_seconds_week: number | null;
}

export async function importFigures(sql: Sql): Promise<ImportFigures> {
  const [row] = await sql<ImportFigures[]>`
    SELECT
      count(*) FILTER (WHERE created_at >= date_trunc('day', now()))::int AS today,
      count(*) FILTER (WHERE created_at >= now() - interval '7 days')::int AS week,
      count(*) FILTER (WHERE created_at >= now() - interval '7 days' AND finished_at IS NOT NULL
        AND status IN ('succeeded', 'succeeded_with_errors', 'failed'))::int AS finished_week,
      count(*) FILTER (WHERE created_at >= now() - interval '7 days' AND status IN ('succeeded', 'succeeded_with_errors'))::int AS succeeded_week,
      (avg(extract(epoch FROM finished_at - started_at)) FILTER (WHERE created_at >= now() - interval '7 days'
        AND finished_at IS NOT NULL AND started_at IS NOT NULL AND NOT dry_run))::float8 AS avg_seconds_week
    FROM imports`;
  return row ?? { today: 0, week: 0, finished_week: 0, succeeded_week: 0, avg_seconds_week: null };
}

export interface DayStatusCount {
  day: string;
  status: string;
  n: number;
}

/** Imports per day (UTC) and status over the last `days` days, zero days included as rows with no status. */
export async function importsPerDay(sql: Sql, days: number): Promise<DayStatusCount[]> {
  return sql<DayStatusCount[]>`
    SELECT to_char(d.day, 'YYYY-MM-DD') AS day, coalesce(i.status, '') AS status, count(i.id)::int AS n
    FROM generate_series(current_date - (${days} - 1), current_date, interval '1 day') AS d(day)
    LEFT JOIN imports i ON i.created_at >= d.day AND i.created_at < d.day + interval '1 day'
    GROUP BY d.day, i.status ORDER BY d.day, i.status`;
}

export async function latestImports(sql: Sql, limit: number): Promise<ImportRecord[]> {
  return sql<ImportRecord[]>`SELECT * FROM imports ORDER BY created_at DESC LIMIT ${limit}`;
}

export async function recentFailures(sql: Sql, hours: number, limit: number): Promise<ImportRecord[]> {
  return sql<ImportRecord[]>`
    SELECT * FROM imports WHERE status = 'failed' AND coalesce(finished_at, created_at) > now() - make_interval(hours => ${hours})
    ORDER BY coalesce(finished_at, created_at) DESC LIMIT ${limit}`;
}

export async function importsByWorkflowIds(sql: Sql, workflowIds: string[]): Promise<ImportRecord[]> {
  if (workflowIds.length === 0) return [];
  return sql<ImportRecord[]>`
    SELECT DISTINCT ON (workflow_id) * FROM imports WHERE workflow_id = ANY(${workflowIds}::text[])
    ORDER BY workflow_id, created_at DESC`;
}


// search_log: every search of the admin's course list, and the aggregates of the search analytics page.
import type { Sql } from './client';

export interface SearchLogEntry {
  query: string;
  filters: Record<string, unknown>;
  resultCount: number;
  tookMs: number;
  backend: 'elasticsearch' | 'postgresql';
  userId: string | null;
}

export function normalizeQuery(q: string): string {
  return q.trim().toLowerCase().replace(/\s+/g, ' ');
}

export async function recordSearch(sql: Sql, e: SearchLogEntry): Promise<void> {
  await sql`
    INSERT INTO search_log (query, query_norm, filters, result_count, took_ms, backend, user_id)
    VALUES (${e.query.slice(0, 500)}, ${normalizeQuery(e.query).slice(0, 500)}, ${sql.json(e.filters as never)},
            ${e.resultCount}, ${Math.round(e.tookMs)}, ${e.backend}, ${e.userId})`;
}

export interface QueryStat {
  query: string;
  searches: number;
  avg_results: number;
  last_at: Date;
}

/** The most frequent non-empty queries over the last `days` days. */
export async function topQueries(sql: Sql, days: number, limit: number): Promise<QueryStat[]> {
  return sql<QueryStat[]>`
    SELECT query_norm AS query, count(*)::int AS searches, round(avg(result_count))::int AS avg_results, max(at) AS last_at
    FROM search_log WHERE query_norm <> '' AND at > now() - make_interval(days => ${days})
    GROUP BY query_norm ORDER BY searches DESC, last_at DESC LIMIT ${limit}`;
}

/** Queries whose last search found nothing: what the catalogue lacks, or what the search misses. */
export async function zeroResultQueries(sql: Sql, days: number, limit: number): Promise<QueryStat[]> {
  return sql<QueryStat[]>`
    SELECT query_norm AS query, count(*)::int AS searches, 0 AS avg_results, max(at) AS last_at
    FROM search_log WHERE query_norm <> '' AND result_count = 0 AND at > now() - make_interval(days => ${days})
    GROUP BY query_norm ORDER BY searches DESC, last_at DESC LIMIT ${limit}`;
}

export interface DayCount {
  day: string;
  searches: number;
  zero: number;
}

/** One row per day of the last `days` days (today included), zero-filled. */
export async function searchesPerDay(sql: Sql, days: number): Promise<DayCount[]> {
  return sql<DayCount[]>`
    SELECT to_char(d.day, 'YYYY-MM-DD') AS day, count(l.id)::int AS searches, count(l.id) FILTER (WHERE l.result_count = 0)::int AS zero
    FROM generate_series(current_date - (${days} - 1), current_date, interval '1 day') AS d(day)
    LEFT JOIN search_log l ON l.at >= d.day AND l.at < d.day + interval '1 day'
    GROUP BY d.day ORDER BY d.day`;
}

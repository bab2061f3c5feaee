// What the admin asked the course list for: the query string of /admin-dashboard/courses/ parsed once, so the
// Elasticsearch search, the PostgreSQL fallback, bulk actions "on every matching course" and exports all
// read the same filters.
import { z } from 'zod';
import { DIFFICULTIES, LEARNING_MODES } from '../domain/types';
import type { BulkFilters } from '../contract';

export const SORTS = ['relevance', 'title', 'price_asc', 'price_desc', 'newest', 'quality'] as const;
export type Sort = (typeof SORTS)[number];

/** The same shape as the filters a bulk action carries through its workflow (one definition, in the contract). */
export type CourseFilters = BulkFilters;

export interface CourseQuery extends CourseFilters {
  sort: Sort;
  page: number;
  perPage: number;
}

/** Elasticsearch refuses from + size beyond 10 000 without scrolling; a list page never needs more. */
export const MAX_WINDOW = 10_000;

const list = (allowed?: readonly string[]) =>
  z
    .union([z.string(), z.array(z.string())])
    .optional()
    .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]))
    .transform((v) => v.map((s) => s.trim()).filter((s) => s !== '' && s.length <= 200 && (!allowed || allowed.includes(s))).slice(0, 50));

/** Taxonomy category ids (issue 14): positive integers, at most 50. */
const ids = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]))
  .transform((v) => [...new Set(v.filter((s) => /^\d{1,9}$/.test(s.trim())).map((s) => Number(s.trim())).filter((n) => n > 0))].slice(0, 50));

const tristate = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (Array.isArray(v) ? v[0] : v))
  .transform((v) => (v === 'true' || v === '1' ? true : v === 'false' || v === '0' ? false : null));

const money = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (Array.isArray(v) ? v[0] : v))
  .transform((v) => {
    if (v === undefined || v.trim() === '') return null;
    const n = Number(v.replace(',', '.'));
    return Number.isFinite(n) && n >= 0 ? n : null;
  });

const one = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (Array.isArray(v) ? v[0] : v));

// The filters' filter-only part (shared by the list, the export and bulk actions "on every matching course").
// Each field says in its `meta` what it means and which values count, for the OpenAPI document (src/api/openapi.ts):
// what a value the list ignores looks like is the lenient parsing just above.
const arrayOf = (items: { type?: 'string' | 'integer'; enum?: string[]; maxLength?: number; minimum?: number }) => ({ override: { type: 'array' as const, items, maxItems: 50 } });
export const courseFilterQuerySchema = z.object({
  q: one.transform((v) => (v ?? '').trim().slice(0, 200)).meta({ description: 'full text: title, description, instructor, tags, lessons (French and English, accents ignored)', override: { type: 'string', maxLength: 200 } }),
  category: list().meta({ description: 'the category as written in the source', ...arrayOf({ type: 'string', maxLength: 200 }) }),
  category_id: ids.meta({ description: 'taxonomy categories (issue 14; GET /admin-dashboard/categories/ lists them)', ...arrayOf({ type: 'integer', minimum: 1 }) }),
  difficulty: list(DIFFICULTIES).meta(arrayOf({ enum: [...DIFFICULTIES] })),
  learning_mode: list(LEARNING_MODES).meta(arrayOf({ enum: [...LEARNING_MODES] })),
  is_free: tristate.meta({ override: { type: 'boolean' } }),
  is_active: tristate.meta({ override: { type: 'boolean' } }),
  price_min: money.meta({ override: { type: 'number', minimum: 0 } }),
  price_max: money.meta({ override: { type: 'number', minimum: 0 } }),
});

/** The course list's query string: the filters, the sort and the page. Never fails: see parseCourseQuery. */
export const courseQuerySchema = courseFilterQuerySchema.extend({
  sort: one.transform((v): Sort => ((SORTS as readonly string[]).includes(v ?? '') ? (v as Sort) : 'relevance')).meta({ override: { enum: [...SORTS] } }),
  page: one.transform((v) => Math.max(1, Math.min(Number.parseInt(v ?? '1', 10) || 1, 1000))).meta({ override: { type: 'integer', minimum: 1 } }),
  per_page: one.transform((v) => [10, 20, 50, 100].find((n) => String(n) === v) ?? 20).meta({ override: { enum: [10, 20, 50, 100] } }),
});
const querySchema = courseQuerySchema;

/** Never throws: an unknown value is ignored, as a hand-edited URL deserves. */
export function parseCourseQuery(input: Record<string, unknown>): CourseQuery {
  return courseQueryOf(querySchema.parse(input));
}

/** The CourseQuery of an already parsed query string (validate() in the routes parses it with courseQuerySchema). */
export function courseQueryOf(p: z.output<typeof courseQuerySchema>): CourseQuery {
  const perPage = p.per_page;
  const page = Math.min(p.page, Math.floor(MAX_WINDOW / perPage));
  return {
    q: p.q,
    category: p.category,
    category_id: p.category_id,
    difficulty: p.difficulty,
    learning_mode: p.learning_mode,
    is_free: p.is_free,
    is_active: p.is_active,
    price_min: p.price_min,
    price_max: p.price_max,
    sort: p.sort,
    page,
    perPage,
  };
}

export function filtersOf(q: CourseQuery | CourseFilters): CourseFilters {
  return {
    q: q.q,
    category: q.category,
    category_id: q.category_id ?? [],
    difficulty: q.difficulty,
    learning_mode: q.learning_mode,
    is_free: q.is_free,
    is_active: q.is_active,
    price_min: q.price_min,
    price_max: q.price_max,
  };
}

/** The filters as URL parameters (for links that keep them: pagination, sorting, "select all matching"). */
export function filtersToParams(f: CourseFilters): URLSearchParams {
  const p = new URLSearchParams();
  if (f.q) p.set('q', f.q);
  for (const k of ['category', 'difficulty', 'learning_mode'] as const) for (const v of f[k]) p.append(k, v);
  for (const id of f.category_id ?? []) p.append('category_id', String(id));
  if (f.is_free !== null) p.set('is_free', String(f.is_free));
  if (f.is_active !== null) p.set('is_active', String(f.is_active));
  if (f.price_min !== null) p.set('price_min', String(f.price_min));
  if (f.price_max !== null) p.set('price_max', String(f.price_max));
  return p;
}

/** Only the filters that are set: what the search log records. */
export function activeFilters(f: CourseFilters): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(f)) {
    if (k === 'q' || v === null || (Array.isArray(v) && v.length === 0)) continue;
    out[k] = v;
  }
  return out;
}

export interface FacetBucket {
  value: string;
  count: number;
  /** What the page shows for the value when it is not the value itself: a taxonomy category's name (issue 14). */
  label?: string;
}

export interface CourseHit {
  id: number;
  title: string;
  category: string | null;
  instructor: string | null;
  difficulty: string;
  learning_mode: string;
  price: number;
  is_free: boolean;
  is_active: boolean;
  quality_score: number;
  tags: string[];
  created_at: string;
  /** Field -> HTML fragments, already escaped, with matches in <mark>. */
  highlight: Record<string, string[]>;
}

/**
 * How a search counts its facets: exactly up to `exactUpTo` matching courses, beyond that on a random sample of
 * about `sampleSize` of them (src/search/queries.ts facetCounts) (ELASTICSEARCH_EXACT_FACETS_UP_TO, ELASTICSEARCH_FACET_SAMPLE_SIZE).
 */
export interface FacetCounting {
  exactUpTo: number;
  sampleSize: number;
}

/** The configuration's defaults (src/config.ts), measured on 2 cores and 1,000,000 courses (README, W5). */
export const DEFAULT_FACET_COUNTING: FacetCounting = { exactUpTo: 50_000, sampleSize: 20_000 };

/** The course list's facets: `category` counts the source values as written, `category_id` the taxonomy categories (issue 14). */
export type SearchFacetName = 'category' | 'category_id' | 'difficulty' | 'learning_mode' | 'is_free' | 'is_active';

export interface CourseSearchResult {
  total: number;
  hits: CourseHit[];
  facets: Record<SearchFacetName, FacetBucket[]>;
  /**
   * The facets whose counts are estimates: above ELASTICSEARCH_EXACT_FACETS_UP_TO matches, Elasticsearch counts them
   * on a random sample of about ELASTICSEARCH_FACET_SAMPLE_SIZE matching courses, each value its share of the
   * sample times the exact number of matches (never above it)
   * (src/search/queries.ts facetCounts). `total` is always exact. Empty when every count is exact (always so from PostgreSQL).
   */
  estimatedFacets: SearchFacetName[];
  tookMs: number;
  backend: 'elasticsearch' | 'postgresql';
}

-- The PostgreSQL fallback of the course search (src/db/course-queries.ts): the course and lesson texts are
-- folded once per search (one scan, not seven: the count, the page and five facets reuse it), titles through an
-- index. pg_trgm (PostgreSQL's contrib, in Debian's postgresql package; a trusted extension since PostgreSQL 13,
-- so the database owner may create it) makes `LIKE '%word%'` use a GIN index.
-- It is created in `public` once per database: the test suites' schemas come and go, the extension stays.
CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public;

-- The course's own text, lower-cased and without accents (as the queries fold the words typed). IMMUTABLE:
-- they read only their arguments (and may be indexed one day).
CREATE OR REPLACE FUNCTION course_folded_text(title text, description text, instructor text, category text, tags text[])
RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT translate(lower(title || ' ' || coalesce(description, '') || ' ' || coalesce(instructor, '') || ' ' ||
    coalesce(category, '') || ' ' || array_to_string(tags, ' ')), 'àâäáãåçéèêëíìîïñóòôöõúùûüýÿ', 'aaaaaaceeeeiiiinooooouuuuyy')
$$;

CREATE OR REPLACE FUNCTION lesson_folded_text(title text, content text)
RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT translate(lower(title || ' ' || coalesce(content, '')), 'àâäáãåçéèêëíìîïñóòôöõúùûüýÿ', 'aaaaaaceeeeiiiinooooouuuuyy')
$$;

-- The course and lesson texts are matched by one scan per search (src/db/course-queries.ts), not through an
-- index: trigram and full-text GIN indexes on them were measured to make every import's upsert ~25x slower on
-- lessons (1.5 s -> 42 s for 200k lessons) and ~60x on courses (0.04 s -> 4 s for 25k), for a fallback that
-- only runs while Elasticsearch is down. Titles keep one trigram index (autocomplete; +0.6 s per 25k courses).
-- Autocomplete: titles containing the typed text.
CREATE INDEX courses_title_folded_trgm_idx ON courses
  USING gin (translate(lower(title), 'àâäáãåçéèêëíìîïñóòôöõúùûüýÿ', 'aaaaaaceeeeiiiinooooouuuuyy') public.gin_trgm_ops);

-- The PostgreSQL fallback of the course search (src/db/course-queries.ts) served by indexes rather than by
-- folding and stemming every course and every lesson on each query (seven full scans per page: the count,
-- the page and five facets). pg_trgm (PostgreSQL's contrib, in Debian's postgresql package; a trusted
-- extension since PostgreSQL 13, so the database owner may create it) makes `LIKE '%word%'` use a GIN index.
-- It is created in `public` once per database: the test suites' schemas come and go, the extension stays.
CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public;

-- The course's own text, lower-cased and without accents (as the queries fold the words typed), and the same
-- text as is for the stemmers. IMMUTABLE so that indexes can be built on them: they read only their arguments.
CREATE OR REPLACE FUNCTION course_folded_text(title text, description text, instructor text, category text, tags text[])
RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT translate(lower(title || ' ' || coalesce(description, '') || ' ' || coalesce(instructor, '') || ' ' ||
    coalesce(category, '') || ' ' || array_to_string(tags, ' ')), 'àâäáãåçéèêëíìîïñóòôöõúùûüýÿ', 'aaaaaaceeeeiiiinooooouuuuyy')
$$;

CREATE OR REPLACE FUNCTION course_plain_text(title text, description text, instructor text, category text, tags text[])
RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT title || ' ' || coalesce(description, '') || ' ' || coalesce(instructor, '') || ' ' || coalesce(category, '') || ' ' ||
    array_to_string(tags, ' ')
$$;

CREATE OR REPLACE FUNCTION lesson_folded_text(title text, content text)
RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT translate(lower(title || ' ' || coalesce(content, '')), 'àâäáãåçéèêëíìîïñóòôöõúùûüýÿ', 'aaaaaaceeeeiiiinooooouuuuyy')
$$;

CREATE INDEX courses_folded_trgm_idx ON courses
  USING gin (course_folded_text(title, description, instructor, category, tags) public.gin_trgm_ops);
CREATE INDEX courses_french_tsv_idx ON courses
  USING gin (to_tsvector('french'::regconfig, course_plain_text(title, description, instructor, category, tags)));
CREATE INDEX courses_english_tsv_idx ON courses
  USING gin (to_tsvector('english'::regconfig, course_plain_text(title, description, instructor, category, tags)));
CREATE INDEX lessons_folded_trgm_idx ON lessons USING gin (lesson_folded_text(title, content) public.gin_trgm_ops);
-- Autocomplete: titles containing the typed text.
CREATE INDEX courses_title_folded_trgm_idx ON courses
  USING gin (translate(lower(title), 'àâäáãåçéèêëíìîïñóòôöõúùûüýÿ', 'aaaaaaceeeeiiiinooooouuuuyy') public.gin_trgm_ops);

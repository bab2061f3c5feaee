-- A managed category taxonomy (issue 14). Until now a course's category was free text ("Development" beside
-- "Développement"); categories become a list with a French and an English name, synonyms in any language, an
-- optional parent (two levels: a parent has no parent itself, checked by src/db/categories.ts) and an active
-- flag. courses.category keeps the value the source gave; courses.category_id is the category it was matched
-- to. The table is seeded from the distinct courses.category values by the worker at start-up while it is
-- empty (src/db/categories.ts seedCategoriesFromCourses: grouping by folded name needs src/domain/taxonomy.ts).
CREATE TABLE categories (
  id          serial PRIMARY KEY,
  slug        text UNIQUE NOT NULL CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 120),
  name_fr     text NOT NULL CHECK (length(name_fr) BETWEEN 1 AND 200),
  name_en     text NOT NULL CHECK (length(name_en) BETWEEN 1 AND 200),
  synonyms    text[] NOT NULL DEFAULT '{}',
  parent_id   int REFERENCES categories (id) CHECK (parent_id IS DISTINCT FROM id),
  active      boolean NOT NULL DEFAULT true,
  -- set when the category was merged into another: its courses moved there, it stays (inactive) for history
  merged_into int REFERENCES categories (id),
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX categories_parent_idx ON categories (parent_id) WHERE parent_id IS NOT NULL;

ALTER TABLE courses ADD COLUMN category_id int REFERENCES categories (id);
CREATE INDEX courses_category_id_idx ON courses (category_id) WHERE category_id IS NOT NULL;

-- The category the plan step chose for a staged row (matched, created or suggested above the threshold), written
-- into courses.category_id by the upsert. NULL: no decision, the course keeps the category it has.
ALTER TABLE import_rows ADD COLUMN category_id int;
-- A category value the `create` policy (UNKNOWN_CATEGORY_POLICY) will create: created by the upsert step, not by
-- the plan, so a dry run that is discarded leaves the taxonomy as it was.
ALTER TABLE import_rows ADD COLUMN new_category text;

-- What the auto-categoriser proposed for a row of an import (or, import_id NULL, for an existing course in a
-- bulk suggestion): applied = the category was set (confidence at or above AUTO_CATEGORY_THRESHOLD), else it
-- waits for review. course_key is the course's natural key (src/domain/identity.ts), known before the course id:
-- a dry run's suggestion is tied to its course once the upsert wrote it (course_id filled then).
CREATE TABLE category_suggestions (
  id                    bigserial PRIMARY KEY,
  import_id             uuid REFERENCES imports (id) ON DELETE CASCADE,
  course_id             bigint REFERENCES courses (id) ON DELETE CASCADE,
  row_number            int,
  course_key            text,
  category_id           int REFERENCES categories (id),
  confidence            real NOT NULL CHECK (confidence >= 0 AND confidence <= 1),
  model_version         int NOT NULL,
  suggested_tags        text[] NOT NULL DEFAULT '{}',
  applied               boolean NOT NULL,
  status                text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'corrected', 'rejected')),
  corrected_category_id int REFERENCES categories (id),
  decided_by            text,
  decided_at            timestamptz,
  created_at            timestamptz NOT NULL DEFAULT now()
);
-- one suggestion per row of an import: a retried plan step rewrites it instead of adding another
CREATE UNIQUE INDEX category_suggestions_import_row_idx ON category_suggestions (import_id, row_number) WHERE import_id IS NOT NULL;
CREATE INDEX category_suggestions_course_idx ON category_suggestions (course_id) WHERE course_id IS NOT NULL;
CREATE INDEX category_suggestions_key_idx ON category_suggestions (course_key) WHERE course_id IS NULL;
CREATE INDEX category_suggestions_pending_idx ON category_suggestions (created_at DESC) WHERE status = 'pending';
CREATE INDEX category_suggestions_category_idx ON category_suggestions (category_id);

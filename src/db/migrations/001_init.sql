-- Imports ledger: one row per imported file, kept after Temporal's retention so duplicates stay recognisable.
CREATE TABLE imports (
  id              uuid PRIMARY KEY,
  workflow_id     text NOT NULL,
  sha256          text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  file_name       text NOT NULL,
  stored_path     text,
  source          text NOT NULL CHECK (source IN ('upload', 'drop', 'cli', 'api')),
  format          text CHECK (format IN ('csv', 'json', 'xlsx')),
  mode            text NOT NULL CHECK (mode IN ('create_only', 'update_only', 'create_or_update')),
  dry_run         boolean NOT NULL DEFAULT false,
  size_bytes      bigint NOT NULL DEFAULT 0,
  started_by      text,
  status          text NOT NULL DEFAULT 'queued',
  step            text,
  rows_parsed     integer NOT NULL DEFAULT 0,
  rows_normalized integer NOT NULL DEFAULT 0,
  rows_upserted   integer NOT NULL DEFAULT 0,
  rows_indexed    integer NOT NULL DEFAULT 0,
  counts          jsonb,
  error_code      text,
  error_message   text,
  archived_to     text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  started_at      timestamptz,
  finished_at     timestamptz
);
CREATE INDEX imports_sha256_idx ON imports (sha256);
CREATE INDEX imports_created_at_idx ON imports (created_at DESC);
CREATE INDEX imports_status_idx ON imports (status);

-- Staging: the rows of an import, raw as read, then normalised, then planned. Rows never go through Temporal.
CREATE TABLE import_rows (
  import_id    uuid NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
  row_number   integer NOT NULL,
  raw          jsonb NOT NULL,
  course       jsonb,
  natural_key  text,
  content_hash text,
  errors       jsonb,
  warnings     jsonb,
  action       text CHECK (action IN ('create', 'update', 'unchanged', 'skipped', 'error')),
  changes      jsonb,
  course_id    bigint,
  -- set by the upsert on the rows it wrote, so a retried upsert rewrites exactly their lessons
  applied      boolean NOT NULL DEFAULT false,
  PRIMARY KEY (import_id, row_number)
);
CREATE INDEX import_rows_course_idx ON import_rows (course_id) WHERE course_id IS NOT NULL;
CREATE INDEX import_rows_key_idx ON import_rows (import_id, natural_key);

CREATE TABLE courses (
  id                bigserial PRIMARY KEY,
  natural_key       text NOT NULL UNIQUE,
  external_id       text,
  title             text NOT NULL,
  description       text NOT NULL DEFAULT '',
  category          text,
  instructor        text,
  duration_hours    numeric(9, 2),
  difficulty        text NOT NULL CHECK (difficulty IN ('beginner', 'intermediate', 'advanced', 'all_levels')),
  learning_mode     text NOT NULL CHECK (learning_mode IN ('text', 'video', 'practice', 'mixed')),
  price             numeric(10, 2) NOT NULL DEFAULT 0 CHECK (price >= 0),
  is_free           boolean NOT NULL,
  tags              text[] NOT NULL DEFAULT '{}',
  quality_score     smallint NOT NULL CHECK (quality_score BETWEEN 0 AND 100),
  is_active         boolean NOT NULL DEFAULT true,
  content_hash      text NOT NULL,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  created_by_import uuid,
  updated_by_import uuid,
  CHECK (NOT is_free OR price = 0)
);
CREATE INDEX courses_external_id_idx ON courses (external_id) WHERE external_id IS NOT NULL;

CREATE TABLE lessons (
  course_id bigint NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
  position  integer NOT NULL CHECK (position > 0),
  title     text NOT NULL,
  content   text,
  video_url text,
  PRIMARY KEY (course_id, position)
);

-- One record per import and channel, written before sending: a retried notify activity sends nothing twice.
CREATE TABLE import_notifications (
  import_id  uuid NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
  channel    text NOT NULL,
  status     text NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
  detail     jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  sent_at    timestamptz,
  PRIMARY KEY (import_id, channel)
);

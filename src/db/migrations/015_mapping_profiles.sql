-- Column mapping profiles (issue 12). A profile is a name; its rules are versioned: every save adds a version
-- (never rewritten), with who saved it and when, so an import can name the exact version it used.
CREATE TABLE mapping_profiles (
  id          bigserial PRIMARY KEY,
  name        text NOT NULL UNIQUE CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
  created_by  text,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE mapping_profile_versions (
  profile_id  bigint NOT NULL REFERENCES mapping_profiles (id) ON DELETE CASCADE,
  version     integer NOT NULL CHECK (version >= 1),
  rules       jsonb NOT NULL,
  -- What changed against the previous version, in words (computed when saved), and who saved it.
  change_note text,
  created_by  text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (profile_id, version)
);

-- The profile an import was started with, and a snapshot of its rules taken when the import started: a retried
-- parse applies exactly these rules, whatever was saved since.
ALTER TABLE imports ADD COLUMN mapping_profile_name text;
ALTER TABLE imports ADD COLUMN mapping_profile_version integer;
ALTER TABLE imports ADD COLUMN mapping_rules jsonb;

-- A file uploaded to be mapped in the browser: its columns and a few rows (the mapping page and its live preview
-- read these, not the file again), the file waiting in incoming/ to be imported with the profile.
CREATE TABLE mapping_drafts (
  id          uuid PRIMARY KEY,
  file_name   text NOT NULL,
  file_path   text NOT NULL,
  format      text NOT NULL,
  columns     jsonb NOT NULL,
  sample_rows jsonb NOT NULL,
  created_by  text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

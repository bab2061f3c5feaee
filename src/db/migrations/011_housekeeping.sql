-- The housekeeping Schedule's runs (staging retention and the janitor of ingest folders), shown on the
-- monitoring page; and when an import's staged rows were purged (its page then says the row details are gone).
CREATE TABLE housekeeping_runs (
  id                 bigserial PRIMARY KEY,
  ran_at             timestamptz NOT NULL DEFAULT now(),
  staged_rows_purged integer NOT NULL,
  imports_purged     integer NOT NULL,
  -- [{folder, name, bytes, ageSeconds}]
  files_removed      jsonb NOT NULL,
  note               text
);
ALTER TABLE imports ADD COLUMN staging_purged_at timestamptz;

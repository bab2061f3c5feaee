-- Feeds (issue 12): a URL imported on a schedule (a Temporal Schedule per feed), only when its content changed.
-- The feed keeps the validators and the content hash of its last download; each run leaves a line in its history,
-- an "unchanged" run as well as an import, so that a night without news is visible.
CREATE TABLE feeds (
  id              uuid PRIMARY KEY,
  name            text NOT NULL UNIQUE CHECK (char_length(name) BETWEEN 1 AND 100),
  url             text NOT NULL CHECK (char_length(url) BETWEEN 1 AND 2048),
  -- A 5-field cron expression, or an interval such as 30m, 6h, 1d.
  schedule        text NOT NULL CHECK (char_length(schedule) BETWEEN 1 AND 100),
  mode            text NOT NULL CHECK (mode IN ('create_or_update', 'create_only', 'update_only')),
  -- The name of a column mapping profile (mapping_profiles.name); resolved at each run, the latest version.
  mapping_profile text CHECK (mapping_profile IS NULL OR char_length(mapping_profile) <= 64),
  paused          boolean NOT NULL DEFAULT false,
  -- The ETag / Last-Modified and sha256 of the last file imported: sent back as If-None-Match / If-Modified-Since.
  etag            text,
  last_modified   text,
  last_sha256     text,
  created_by      text NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE feed_runs (
  id          bigserial PRIMARY KEY,
  feed_id     uuid NOT NULL REFERENCES feeds (id) ON DELETE CASCADE,
  started_at  timestamptz NOT NULL,
  finished_at timestamptz NOT NULL DEFAULT now(),
  -- imported: an import was started (import_id); unchanged: 304, or the same bytes as the last import; failed: detail says why.
  outcome     text NOT NULL CHECK (outcome IN ('imported', 'unchanged', 'failed')),
  -- scheduled or manual ("run now").
  triggered_by text NOT NULL CHECK (triggered_by IN ('scheduled', 'manual')),
  http_status integer,
  detail      text,
  import_id   uuid,
  sha256      text,
  size_bytes  bigint
);
CREATE INDEX feed_runs_feed_idx ON feed_runs (feed_id, id DESC);

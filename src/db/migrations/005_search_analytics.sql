-- Every search of the admin's course list, for the search analytics page.
CREATE TABLE search_log (
  id           bigserial PRIMARY KEY,
  query        text NOT NULL DEFAULT '',
  -- the query folded (case, spacing) so "Python " and "python" count as one in the top queries
  query_norm   text NOT NULL DEFAULT '',
  filters      jsonb NOT NULL DEFAULT '{}'::jsonb,
  result_count integer NOT NULL,
  took_ms      integer NOT NULL,
  backend      text NOT NULL CHECK (backend IN ('elasticsearch', 'postgresql')),
  user_id      text,
  at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX search_log_at_idx ON search_log (at DESC);
CREATE INDEX search_log_query_idx ON search_log (query_norm, at DESC);

-- A full reindex in progress: while a row is 'running', every writer to the alias also writes to its target
-- index, so nothing indexed during the copy is missing from the new index when the alias switches.
CREATE TABLE search_reindexes (
  id           uuid PRIMARY KEY,
  alias        text NOT NULL,
  target_index text NOT NULL,
  status       text NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
  copied       integer NOT NULL DEFAULT 0,
  started_at   timestamptz NOT NULL DEFAULT now(),
  finished_at  timestamptz,
  error        text
);
CREATE UNIQUE INDEX search_reindexes_one_running ON search_reindexes (alias) WHERE status = 'running';

-- The courses a bulk action works on, resolved once from the selection or the filters: rows never go
-- through workflow history, the workflow pages through this table by course id.
CREATE TABLE bulk_selections (
  bulk_id   uuid NOT NULL,
  course_id bigint NOT NULL,
  PRIMARY KEY (bulk_id, course_id)
);

CREATE TABLE bulk_actions (
  id          uuid PRIMARY KEY,
  action      text NOT NULL CHECK (action IN ('activate', 'deactivate', 'duplicate', 'delete')),
  total       integer NOT NULL DEFAULT 0,
  processed   integer NOT NULL DEFAULT 0,
  status      text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'succeeded', 'failed')),
  started_by  text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz
);

-- The copies a "duplicate" bulk action made, so a retried step finds them instead of copying twice.
CREATE TABLE bulk_copies (
  bulk_id   uuid NOT NULL,
  source_id bigint NOT NULL,
  copy_id   bigint NOT NULL,
  PRIMARY KEY (bulk_id, source_id)
);

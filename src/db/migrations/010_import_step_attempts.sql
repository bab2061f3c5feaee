-- One row per attempt of a heavy import step, written when the attempt starts and closed when it ends (done or
-- failed with an error the worker saw). An attempt that never closed ended with its worker: a crash (out of
-- memory, killed) or a step stuck past its heartbeat. Counted, they stop a file that crashes the worker from
-- being taken back again and again.
CREATE TABLE import_step_attempts (
  import_id  uuid NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
  step       text NOT NULL,
  attempt    integer NOT NULL,
  started_at timestamptz NOT NULL DEFAULT now(),
  ended_at   timestamptz,
  PRIMARY KEY (import_id, step, attempt)
);

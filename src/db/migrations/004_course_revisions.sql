-- Before-images of the courses an import updated, written in the upsert's own transaction: the first image
-- wins (a retried upsert keeps it), so a revert or a cancellation restores the course exactly as it was.
-- `before` is the full courses row as jsonb plus its lessons under "lessons".
CREATE TABLE course_revisions (
  import_id  uuid NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
  course_id  bigint NOT NULL,
  before     jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (import_id, course_id)
);
CREATE INDEX course_revisions_course_idx ON course_revisions (course_id);

-- A revert keeps the import's own status (what happened to the file) and records itself beside it.
ALTER TABLE imports
  ADD COLUMN reverted_at timestamptz,
  ADD COLUMN reverted_by text,
  ADD COLUMN revert_counts jsonb;

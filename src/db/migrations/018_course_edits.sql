-- Changes made to a course by hand in the admin (issue 11): a course created, edited, or an edit undone. Each
-- keeps the course's before-image (the whole courses row as jsonb plus its lessons under "lessons", as
-- course_revisions does for an import), so the change shows in the course's history and can be undone.
-- No foreign key to courses: the history of a course outlives its deletion (an undo can bring it back).
CREATE TABLE course_edits (
  id            uuid PRIMARY KEY,
  course_id     bigint NOT NULL,
  kind          text NOT NULL CHECK (kind IN ('create', 'update', 'revert')),
  actor         text NOT NULL,
  -- null for 'create': there was no course before
  before        jsonb,
  -- the fields that changed, [{field, before, after}], for the history
  changes       jsonb NOT NULL DEFAULT '[]'::jsonb,
  -- the course's updated_at right after this change: an undo is refused once anything changed the course since
  after_updated_at timestamptz NOT NULL,
  warnings      jsonb,
  -- the edit this one undid (kind 'revert')
  reverts       uuid REFERENCES course_edits (id),
  reverted_at   timestamptz,
  reverted_by   text,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX course_edits_course_idx ON course_edits (course_id, created_at DESC);

-- The courses an import created: revert deletes them, its preview lists and counts them (course-revisions.ts,
-- revert-preview.ts). Without this index each of those read every course (W5: a 1,000,000-course catalogue).
-- Courses created by hand or by a bulk action have none: they are left out of the index.
CREATE INDEX IF NOT EXISTS courses_created_by_import_idx ON courses (created_by_import) WHERE created_by_import IS NOT NULL;

-- Issue 17 (W6): the courses an import wrote, in a narrow table of their own, instead of a second write of every
-- staged row. The upsert marked each row it wrote with `UPDATE import_rows SET course_id, applied`: a new version of
-- the whole staged row (its raw cells and normalised course as jsonb, about 1.5 kB at W6's shape) and an entry in
-- each of import_rows' four indexes, for every course. On the 1,010,000-course XLSX a 1,000-row chunk took
-- 60–72 ms where the courses alone (a scratch table with the same indexes) took 28–33 ms, that rewrite the
-- largest part of the difference, and it left a million dead rows for autovacuum and their WAL for the checkpoint
-- while the index step ran. Now each chunk inserts here one row of about 60 bytes per course written, in the same
-- statement as the courses (W6's XLSX upsert step: 82–113 s before, 71–85 s after).
-- What reads it: the lessons' replacement, the index step's pages (by course id), a revert's courses, the imports
-- that touched the same courses since, the course's import history (for the import that created it), the
-- categoriser's suggestions and the staging purge (a written row is kept).
-- No foreign key to imports: its check is a row trigger, one lookup of imports per course written (a million for
-- W6); an import is deleted only while queued (import-history.ts), before anything is written for it, and
-- import_rows' own foreign key already ties the rows to their import.
CREATE TABLE import_courses (
  import_id  uuid NOT NULL,
  row_number integer NOT NULL,
  course_id  bigint NOT NULL,
  PRIMARY KEY (import_id, row_number)
);
-- The index step pages through an import's courses in id order (keyset), a revert too.
CREATE INDEX import_courses_course_idx ON import_courses (import_id, course_id);

INSERT INTO import_courses (import_id, row_number, course_id)
SELECT import_id, row_number, course_id FROM import_rows WHERE applied AND course_id IS NOT NULL;

DROP INDEX import_rows_applied_idx;
ALTER TABLE import_rows DROP COLUMN applied;

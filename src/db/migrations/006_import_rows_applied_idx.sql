-- The courses an import wrote, in course id order: the index step pages through them (keyset on course_id)
-- without re-reading every row of the import for each page.
CREATE INDEX import_rows_applied_idx ON import_rows (import_id, course_id) WHERE applied;

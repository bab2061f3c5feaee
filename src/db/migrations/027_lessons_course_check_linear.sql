-- Issue 17 (W6): the lessons' course check of migration 026, in a time that grows with the rows.
-- Measured on a 1,010,000-course XLSX import (7.5M lessons in one INSERT), the check took 10.5–14.5 s against about
-- 0.5 s for a tenth of the rows, and on a synthetic 1M courses × 7 lessons, 14.0 s against 0.7 s (pg_stat_statements,
-- auto_explain, 2 December):
-- * `c.id IN (SELECT course_id FROM added) FOR KEY SHARE OF c` carries each whole lesson row of the transition
--   table into the semi-join's HashAggregate (a locking query copies the rows of the relations it does not lock,
--   PostgreSQL docs "The Locking Clause", row marks), 154 bytes a row: 1.2 GB spilled to disk in 69 batches;
-- * the course ids were gathered twice (count(DISTINCT) first, the semi-join again).
-- Now the distinct ids are gathered once into an array and the courses locked through `= ANY` (an index scan of
-- courses_pkey): 1M courses × 7 lessons in 1.5 + 1.0 s against 0.17 + 0.08 s for 100k.
-- work_mem, for this function only (CREATE FUNCTION … SET): the DISTINCT of 1M ids hashes in about 50 MB; at the
-- server's 4 MB it spilled and took 3.4 s instead of 1.5. A smaller statement (a course form's few lessons)
-- uses a few kilobytes of it.
CREATE OR REPLACE FUNCTION lessons_course_exists() RETURNS trigger LANGUAGE plpgsql SET work_mem = '64MB' AS $$
DECLARE
  wanted bigint[];
  found bigint;
  missing bigint;
BEGIN
  wanted := ARRAY(SELECT DISTINCT course_id FROM added);
  -- count(*) reads the whole locking subquery, so every referenced course is locked.
  SELECT count(*) INTO found FROM (SELECT 1 FROM courses c WHERE c.id = ANY(wanted) FOR KEY SHARE OF c) k;
  IF found < cardinality(wanted) THEN
    SELECT w INTO missing FROM unnest(wanted) w WHERE NOT EXISTS (SELECT 1 FROM courses c WHERE c.id = w) LIMIT 1;
    RAISE EXCEPTION 'insert or update on table "lessons" violates foreign key: course % does not exist', missing
      USING ERRCODE = 'foreign_key_violation', TABLE = 'lessons', COLUMN = 'course_id';
  END IF;
  RETURN NULL;
END $$;

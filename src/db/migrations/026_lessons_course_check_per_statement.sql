-- Issue 17 (W1's CPU): the lessons' foreign key to courses, checked once per statement instead of once per row.
-- PostgreSQL checks a foreign key with one query per inserted row: an import of 24,774 courses writes 185,613
-- lessons, and those checks took 640 ms of the 966 ms its lessons INSERT cost (auto_explain, 2 December). The
-- same guarantees, kept by two triggers that work on the whole statement's rows at once (transition tables,
-- CREATE TRIGGER … REFERENCING, PostgreSQL docs "Trigger Functions"):
-- * a lesson's course exists, and stays until the lesson's transaction ends: the referenced courses are locked
--   FOR KEY SHARE, as the foreign key's own check does, so a concurrent delete of the course waits, then removes
--   the lesson with it; a missing course fails the statement with SQLSTATE 23503 (foreign_key_violation);
-- * deleting or truncating courses deletes their lessons (was ON DELETE CASCADE).
ALTER TABLE lessons DROP CONSTRAINT IF EXISTS lessons_course_id_fkey;

CREATE OR REPLACE FUNCTION lessons_course_exists() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  wanted bigint;
  found bigint;
  missing bigint;
BEGIN
  SELECT count(DISTINCT course_id) INTO wanted FROM added;
  -- count(*) reads the whole locking subquery, so every referenced course is locked.
  SELECT count(*) INTO found FROM (
    SELECT 1 FROM courses c WHERE c.id IN (SELECT course_id FROM added) FOR KEY SHARE OF c) k;
  IF found < wanted THEN
    SELECT a.course_id INTO missing FROM added a WHERE NOT EXISTS (SELECT 1 FROM courses c WHERE c.id = a.course_id) LIMIT 1;
    RAISE EXCEPTION 'insert or update on table "lessons" violates foreign key: course % does not exist', missing
      USING ERRCODE = 'foreign_key_violation', TABLE = 'lessons', COLUMN = 'course_id';
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER lessons_course_exists_on_insert AFTER INSERT ON lessons
  REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION lessons_course_exists();
-- Transition tables take no column list (UPDATE OF course_id): every UPDATE of lessons is checked (rare: the
-- product replaces a course's lessons with DELETE + INSERT).
CREATE TRIGGER lessons_course_exists_on_update AFTER UPDATE ON lessons
  REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION lessons_course_exists();

CREATE OR REPLACE FUNCTION courses_delete_lessons() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    -- Not TRUNCATE: inside `TRUNCATE courses, lessons` PostgreSQL refuses a second truncate of lessons. Every
    -- lesson left is without its course now (none, when the same command emptied lessons too).
    DELETE FROM lessons;
  ELSE
    DELETE FROM lessons l WHERE l.course_id IN (SELECT id FROM removed);
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER courses_delete_lessons AFTER DELETE ON courses
  REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION courses_delete_lessons();
CREATE TRIGGER courses_truncate_lessons AFTER TRUNCATE ON courses
  FOR EACH STATEMENT EXECUTE FUNCTION courses_delete_lessons();

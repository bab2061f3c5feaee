-- Legacy Excel (.xls) and OpenDocument (.ods) workbooks are imported too (issue 10). The column's CHECK of
-- 001_init.sql got PostgreSQL's default name for an inline column constraint.
ALTER TABLE imports DROP CONSTRAINT IF EXISTS imports_format_check;
ALTER TABLE imports ADD CONSTRAINT imports_format_check CHECK (format IN ('csv', 'json', 'xlsx', 'xls', 'ods'));

-- XML and YAML catalogues are imported too (issue 12). Widens the CHECK that 008_spreadsheet_formats.sql set.
ALTER TABLE imports DROP CONSTRAINT IF EXISTS imports_format_check;
ALTER TABLE imports ADD CONSTRAINT imports_format_check CHECK (format IN ('csv', 'json', 'xlsx', 'xls', 'ods', 'xml', 'yaml'));

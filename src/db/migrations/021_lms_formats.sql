-- IMS Common Cartridge files (.imscc) are imported too (issue 13, LMS exchange). Widens the CHECK that
-- 012_xml_yaml_formats.sql set. Moodle and Canvas course lists are CSV files and need no new value.
ALTER TABLE imports DROP CONSTRAINT IF EXISTS imports_format_check;
ALTER TABLE imports ADD CONSTRAINT imports_format_check CHECK (format IN ('csv', 'json', 'xlsx', 'xls', 'ods', 'xml', 'yaml', 'imscc'));

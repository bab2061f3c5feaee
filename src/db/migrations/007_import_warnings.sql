-- File-level warnings of an import (the encoding guessed, the worksheet or header row read, columns that match
-- no field, rows the reader skipped): written once by the parse step, a bounded list of
-- {code, message, row?, column?, field?}. Row-level warnings stay beside their row in import_rows.warnings.
ALTER TABLE imports ADD COLUMN warnings jsonb;

-- Issue 11: why a file failed, in the reader's language. Beside error_code and the English error_message (what
-- the CLI and the logs show), the reason's parameters (sizes in bytes, counts, column names as written) so pages
-- and notices render importFailures.<code> in each reader's language. NULL for failures recorded before, which
-- keep their English message.
ALTER TABLE imports ADD COLUMN IF NOT EXISTS error_params jsonb;

-- Progress inside a step (issue 11, "dead ends"): the number of rows the parse step expects, estimated from the
-- file before it is read (NULL: no estimate for this format), so the import's page and the CLI can show a total
-- and a percentage while rows are parsed. The counters themselves (rows_parsed, rows_upserted, rows_indexed)
-- already exist; the steps now write them as they go.
ALTER TABLE imports ADD COLUMN IF NOT EXISTS rows_expected integer CHECK (rows_expected IS NULL OR rows_expected >= 0);

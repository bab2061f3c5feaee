-- Validation rules set by an admin (issue 12): per scope, '' for the global rules or the name of a column mapping
-- profile (keyed by name, not by the profiles' table: rules may be set for a profile before or after it exists).
-- `rules` is the shape of ValidationRules (src/domain/validation-rules.ts), validated by the application.
CREATE TABLE validation_rules (
  scope       text PRIMARY KEY CHECK (length(scope) <= 100),
  rules       jsonb NOT NULL,
  updated_by  text,
  updated_at  timestamptz NOT NULL DEFAULT now()
);

-- The rules an import ran with, taken when its rows are first read: a retried or resumed step applies the same
-- ones even if an admin changed them meanwhile. NULL: not read yet (or an import from before the rules existed).
ALTER TABLE imports ADD COLUMN validation_rules jsonb;

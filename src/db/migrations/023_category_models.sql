-- Auto-categorisation models (issue 14): each training stores a new version with the method, its parameters, the
-- number of courses it learnt from, its evaluation on a held-out split (src/categorise/evaluate.ts Evaluation,
-- plus the active model's figures on the same split when there was one) and the model itself (src/categorise/
-- model.ts ModelData, JSON). At most one version is active: the one the import path and the review queue use.
CREATE TABLE category_models (
  version     serial PRIMARY KEY,
  created_at  timestamptz NOT NULL DEFAULT now(),
  trained_on  int NOT NULL CHECK (trained_on >= 0),
  method      text NOT NULL CHECK (char_length(method) BETWEEN 1 AND 40),
  parameters  jsonb NOT NULL,
  evaluation  jsonb NOT NULL,
  model       jsonb NOT NULL,
  active      boolean NOT NULL DEFAULT false,
  -- why the version was (not) activated: "first model", "not worse than v3", "worse than v3 (accuracy ...)"
  decision    text NOT NULL DEFAULT '' CHECK (char_length(decision) <= 500),
  -- who asked: 'schedule' or the admin's email for "Retrain now"
  requested_by text NOT NULL DEFAULT 'schedule' CHECK (char_length(requested_by) <= 320)
);
CREATE UNIQUE INDEX category_models_one_active_idx ON category_models ((true)) WHERE active;

-- The courses page's bulk action "Suggest categories" (pending suggestions for the selected courses).
ALTER TABLE bulk_actions DROP CONSTRAINT IF EXISTS bulk_actions_action_check;
ALTER TABLE bulk_actions ADD CONSTRAINT bulk_actions_action_check
  CHECK (action IN ('activate', 'deactivate', 'duplicate', 'delete', 'suggest_categories'));

-- The language a staff member chose for the admin (issue 11). NULL: not chosen, the browser's Accept-Language decides.
ALTER TABLE staff_users ADD COLUMN IF NOT EXISTS language text
  CHECK (language IS NULL OR language IN ('fr', 'en'));

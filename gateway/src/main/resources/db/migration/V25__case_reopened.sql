-- A closed case that the person writes to again goes back to the coordinator who last held it
-- (or to the queue when that account can no longer work it), marked as reopened until it is
-- closed again.
ALTER TABLE cases ADD COLUMN reopened_at timestamptz;

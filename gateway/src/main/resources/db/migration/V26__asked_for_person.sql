-- "Talk to a person" before the intake said where the person lives: the case has no working group
-- yet (NULL), and every coordinator sees it. asked_for_person marks a case whose person asked for
-- one, at any point; such a case is urgent.
ALTER TABLE cases ALTER COLUMN working_group DROP NOT NULL;
ALTER TABLE cases ADD COLUMN asked_for_person boolean NOT NULL DEFAULT false;

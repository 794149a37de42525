-- Intake scripts uploaded by administrators. The newest active one runs; the one shipped in
-- the jar runs when there is none. Script text is configuration, not personal data.
CREATE TABLE intake_scripts (
    id           bigserial PRIMARY KEY,
    script       text NOT NULL,
    directory    text NOT NULL,
    uploaded_by  text NOT NULL,
    uploaded_at  timestamptz NOT NULL DEFAULT now(),
    active       boolean NOT NULL DEFAULT true
);

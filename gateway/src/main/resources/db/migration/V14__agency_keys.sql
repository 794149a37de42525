-- Agency keys. Each agency has its own X25519 recipient key: the public half is stored with the
-- agency; the private half exists at rest only sealed to the current team key (so a holder of
-- the team key can grant it, and rotation re-wraps it) and as a grant to each of the agency's
-- workers, sealed to their personal keys. Agencies created before this migration get a key the
-- first time an administrator's session needs it.
ALTER TABLE agencies ADD COLUMN key_id text UNIQUE;
ALTER TABLE agencies ADD COLUMN public_key bytea;
ALTER TABLE agencies ADD COLUMN team_key_id text REFERENCES team_keys (key_id);
ALTER TABLE agencies ADD COLUMN sealed_private_key bytea;
ALTER TABLE agencies ADD CONSTRAINT agencies_key_whole CHECK (
    (key_id IS NULL) = (public_key IS NULL) AND (key_id IS NULL) = (team_key_id IS NULL)
    AND (key_id IS NULL) = (sealed_private_key IS NULL));
CREATE INDEX agencies_team_key ON agencies (team_key_id);

CREATE TABLE agency_key_grants (
    account_id  bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    key_id      text NOT NULL,
    sealed      bytea NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, key_id)
);
CREATE INDEX agency_key_grants_key ON agency_key_grants (key_id);

-- The agency key the answers were sealed to, when the client consented to share with the
-- referring agency (NULL: sealed to the team key only).
ALTER TABLE cases ADD COLUMN agency_key_id text;
CREATE INDEX cases_agency_key ON cases (agency_key_id) WHERE agency_key_id IS NOT NULL;

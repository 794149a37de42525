-- Compartments (issue 20): each working group has its own X25519 recipient key, so that one
-- coordinator's passphrase opens only the cases of their groups. Cases with no group yet are
-- sealed to the key of the "intake" group, which every coordinator holds. The private half of a
-- group key exists at rest only sealed to the current team key (the administrators' key) and as a
-- grant to each coordinator of the group, sealed to their personal key. The record of each key is
-- signed by the administrator who made it (label haven/group-key/v1, docs/crypto.md).
CREATE TABLE group_keys (
    key_id              text PRIMARY KEY,
    group_id            text NOT NULL,
    public_key          bytea NOT NULL,
    team_key_id         text NOT NULL REFERENCES team_keys (key_id),
    sealed_private_key  bytea NOT NULL,
    key_signer          text NOT NULL,
    key_signature       bytea NOT NULL,
    created_at          timestamptz NOT NULL DEFAULT now(),
    retired_at          timestamptz
);
CREATE UNIQUE INDEX group_keys_current ON group_keys (group_id) WHERE retired_at IS NULL;
CREATE INDEX group_keys_team_key ON group_keys (team_key_id);

CREATE TABLE group_key_grants (
    account_id  bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    key_id      text NOT NULL REFERENCES group_keys (key_id) ON DELETE CASCADE,
    sealed      bytea NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, key_id)
);
CREATE INDEX group_key_grants_key ON group_key_grants (key_id);

CREATE INDEX entry_keys_key ON entry_keys (key_id);

-- A retired group key, like a retired team key, is refused as a recipient (same SQLSTATE: the
-- work is run again with the current key).
CREATE OR REPLACE FUNCTION entry_keys_active_key() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM team_keys WHERE key_id = NEW.key_id AND retired_at IS NOT NULL) THEN
        RAISE EXCEPTION 'team key % is retired', NEW.key_id USING ERRCODE = 'HVK01';
    END IF;
    IF EXISTS (SELECT 1 FROM group_keys WHERE key_id = NEW.key_id AND retired_at IS NOT NULL) THEN
        RAISE EXCEPTION 'group key % is retired', NEW.key_id USING ERRCODE = 'HVK01';
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

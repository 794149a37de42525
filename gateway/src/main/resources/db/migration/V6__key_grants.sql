-- Personal keys and team-key grants. Each inbox account (but agencies) has its own X25519 key
-- pair; the private half is stored only under the account's passphrase. The team private key
-- is granted to each account sealed (HPKE) to its public key, so an administrator can rotate
-- the team key, or add a coordinator, without knowing anyone's passphrase.
ALTER TABLE accounts ADD COLUMN public_key bytea;
ALTER TABLE accounts ADD COLUMN sealed_private_key bytea;

CREATE TABLE team_key_grants (
    account_id  bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    key_id      text NOT NULL REFERENCES team_keys (key_id),
    sealed      bytea NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, key_id)
);

-- Nothing new may be sealed to a retired team key: its private half is gone once every entry
-- was re-wrapped, so such an entry could never be opened again.
CREATE FUNCTION entry_keys_active_key() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM team_keys WHERE key_id = NEW.key_id AND retired_at IS NOT NULL) THEN
        RAISE EXCEPTION 'team key % is retired', NEW.key_id USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER entry_keys_active_key BEFORE INSERT ON entry_keys
    FOR EACH ROW EXECUTE FUNCTION entry_keys_active_key();

-- Recipient keys are authenticated (docs/crypto.md, "Key records"). Every team, account and agency
-- key record is signed; the gateway verifies the chain from the pinned first team key (kept outside
-- the database, with the server keys) on every load and never uses a record that fails. The
-- columns below hold the Ed25519 public halves and the signatures; nothing here is trusted because
-- it is in the database: a writer who changes a row only makes it fail verification.

-- The team key's Ed25519 key (derived from its X25519 private half), the key it succeeded, and the
-- two signatures over its record: by that previous key and by the rotating administrator.
ALTER TABLE team_keys ADD COLUMN signing_key bytea;
ALTER TABLE team_keys ADD COLUMN previous_key_id text;
ALTER TABLE team_keys ADD COLUMN signed_by bigint;
ALTER TABLE team_keys ADD COLUMN previous_signature bytea;
ALTER TABLE team_keys ADD COLUMN admin_signature bytea;

-- An account's personal Ed25519 key (empty for records signed before it was known), who signed its
-- record ('account:<id>' of an administrator, or 'team:<key id>' for an administrator's record
-- signed by a team key) and the signature.
ALTER TABLE accounts ADD COLUMN signing_key bytea;
ALTER TABLE accounts ADD COLUMN key_signer text;
ALTER TABLE accounts ADD COLUMN key_signature bytea;

-- Who signed an agency's key record ('account:<id>' of an administrator) and the signature.
ALTER TABLE agencies ADD COLUMN key_signer text;
ALTER TABLE agencies ADD COLUMN key_signature bytea;

-- The cluster's server keys, recognisable without being stored: the first gateway to start records
-- a fingerprint of the hash secret (an HMAC under a key derived from it, never the secret) and a
-- canary sealed under the server keyring; every later start compares both and refuses other keys.
-- A rotation re-encrypts the canary with everything else under the keyring (KeyringColumns).
CREATE TABLE server_keys_check (
    id           smallint PRIMARY KEY CHECK (id = 1),
    fingerprint  bytea NOT NULL,
    canary       bytea NOT NULL,
    recorded_at  timestamptz NOT NULL DEFAULT now()
);

-- Resume phrases: a conversation is found by the first half of its phrase's Argon2id output and
-- its box (the key of its state, under the second half) is opened by the same phrase only.
ALTER TABLE conversations ADD COLUMN phrase_lookup bytea UNIQUE;
ALTER TABLE conversations ADD COLUMN phrase_box bytea;

-- Wrong phrases, by the keyed hash of who wrote them (channel and address), to slow guessing.
CREATE TABLE phrase_attempts (
    client_key  bytea NOT NULL,
    tried_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX phrase_attempts_client ON phrase_attempts (client_key, tried_at);
CREATE INDEX phrase_attempts_age ON phrase_attempts (tried_at);

-- Haven's first schema. Everything a person wrote is stored only as ciphertext:
-- conversation state under the server keyring, case entries under per-entry data keys
-- sealed (HPKE) to the coordinator team key. Contact addresses are found again by keyed hash.

CREATE TABLE team_keys (
    key_id      text PRIMARY KEY,
    public_key  bytea NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    retired_at  timestamptz
);

-- Before the first administrator exists, the team private key is kept sealed under the
-- one-time setup code written to the data dir; setup re-seals it under the admin's passphrase.
CREATE TABLE pending_setup (
    id               int PRIMARY KEY CHECK (id = 1),
    team_key_id      text NOT NULL REFERENCES team_keys (key_id),
    sealed_team_key  bytea NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE accounts (
    id               bigserial PRIMARY KEY,
    username         text NOT NULL UNIQUE,
    role             text NOT NULL CHECK (role IN ('admin', 'coordinator', 'agency')),
    passphrase_hash  text NOT NULL,
    team_key_id      text REFERENCES team_keys (key_id),
    sealed_team_key  bytea,
    created_at       timestamptz NOT NULL DEFAULT now(),
    disabled_at      timestamptz
);

CREATE TABLE conversations (
    id            uuid PRIMARY KEY,
    channel       text NOT NULL,
    contact_hash  bytea NOT NULL,
    state         bytea NOT NULL,
    case_id       uuid,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (channel, contact_hash)
);

CREATE TABLE cases (
    id               uuid PRIMARY KEY,
    reference        text NOT NULL UNIQUE,
    conversation_id  uuid REFERENCES conversations (id) ON DELETE SET NULL,
    channel          text NOT NULL,
    language         text NOT NULL,
    status           text NOT NULL CHECK (status IN ('queued', 'claimed', 'closed')),
    triage           text NOT NULL,
    priority         int NOT NULL,
    working_group    text NOT NULL,
    urgent           boolean NOT NULL DEFAULT false,
    flagged          boolean NOT NULL DEFAULT false,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX cases_queue ON cases (status, urgent DESC, priority, created_at);

ALTER TABLE conversations ADD CONSTRAINT conversations_case FOREIGN KEY (case_id) REFERENCES cases (id) ON DELETE SET NULL;

-- One sealed item of a case: the intake answers, a message in or out, a note.
CREATE TABLE case_entries (
    case_id     uuid NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    seq         int NOT NULL,
    kind        text NOT NULL CHECK (kind IN ('answers', 'message_in', 'message_out', 'note')),
    ciphertext  bytea NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (case_id, seq)
);

-- The entry's data key, sealed once per recipient key.
CREATE TABLE entry_keys (
    case_id     uuid NOT NULL,
    seq         int NOT NULL,
    key_id      text NOT NULL,
    sealed_key  bytea NOT NULL,
    PRIMARY KEY (case_id, seq, key_id),
    FOREIGN KEY (case_id, seq) REFERENCES case_entries (case_id, seq) ON DELETE CASCADE
);

CREATE TABLE audit_log (
    id        bigserial PRIMARY KEY,
    at        timestamptz NOT NULL DEFAULT now(),
    actor     text NOT NULL,
    action    text NOT NULL,
    case_id   uuid
);

-- The coordinator inbox: second factor, working groups, agencies, claiming and case life.

ALTER TABLE accounts ADD COLUMN totp_secret bytea;          -- under the server keyring
ALTER TABLE accounts ADD COLUMN totp_enabled_at timestamptz;
ALTER TABLE accounts ADD COLUMN totp_last_step bigint;      -- refuses a replayed code
ALTER TABLE accounts ADD COLUMN language text NOT NULL DEFAULT 'en';

CREATE TABLE recovery_codes (
    account_id  bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    code_hash   text NOT NULL,
    used_at     timestamptz
);
CREATE INDEX recovery_codes_account ON recovery_codes (account_id);

CREATE TABLE working_groups (
    id    text PRIMARY KEY,
    name  text NOT NULL
);
INSERT INTO working_groups (id, name) VALUES
    ('halifax', 'Halifax'), ('montreal', 'Montreal'), ('ottawa', 'Ottawa'), ('toronto', 'Toronto'),
    ('winnipeg', 'Winnipeg'), ('edmonton', 'Edmonton'), ('vancouver', 'Vancouver'), ('victoria', 'Victoria'),
    ('national', 'National office');

CREATE TABLE account_groups (
    account_id  bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    group_id    text NOT NULL REFERENCES working_groups (id),
    PRIMARY KEY (account_id, group_id)
);

CREATE TABLE agencies (
    id             bigserial PRIMARY KEY,
    name           text NOT NULL UNIQUE,
    referral_code  text NOT NULL UNIQUE,
    created_at     timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE accounts ADD COLUMN agency_id bigint REFERENCES agencies (id);

ALTER TABLE cases DROP CONSTRAINT cases_status_check;
ALTER TABLE cases ADD CONSTRAINT cases_status_check CHECK (status IN ('queued', 'claimed', 'waiting', 'closed'));
ALTER TABLE cases ADD COLUMN assigned_to bigint REFERENCES accounts (id);
ALTER TABLE cases ADD COLUMN claimed_at timestamptz;
ALTER TABLE cases ADD COLUMN closed_at timestamptz;
ALTER TABLE cases ADD COLUMN first_reply_at timestamptz;
ALTER TABLE cases ADD COLUMN last_message_at timestamptz;
ALTER TABLE cases ADD COLUMN labels text[] NOT NULL DEFAULT '{}';
ALTER TABLE cases ADD COLUMN agency_id bigint REFERENCES agencies (id);
CREATE INDEX cases_group ON cases (working_group, status);
CREATE INDEX cases_assigned ON cases (assigned_to, status);

ALTER TABLE case_entries ADD COLUMN author text;   -- coordinator username for replies and notes
ALTER TABLE case_entries DROP CONSTRAINT case_entries_kind_check;
ALTER TABLE case_entries ADD CONSTRAINT case_entries_kind_check
    CHECK (kind IN ('answers', 'message_in', 'message_out', 'note', 'referral'));

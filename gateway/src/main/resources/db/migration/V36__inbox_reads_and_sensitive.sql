-- Issue 19. Per account: whether the case page hides the answers the intake marks sensitive behind
-- a "show" control (on unless the person turns it off on the Settings page), and how far into each
-- case's entries the account has read (the queue's "unread" and "new message" marks). Entry numbers
-- only: nothing the person wrote. Gone with the case or the account.
ALTER TABLE accounts ADD COLUMN hide_sensitive boolean NOT NULL DEFAULT true;

CREATE TABLE case_reads (
    account_id  bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    case_id     uuid NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    seen_seq    int NOT NULL,
    read_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, case_id)
);
CREATE INDEX case_reads_case ON case_reads (case_id);

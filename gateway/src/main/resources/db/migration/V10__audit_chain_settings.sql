-- Administration: the audit log becomes a hash chain (see AuditChain for the encoding), and
-- administrators' stored settings (the retention period) get a table.

ALTER TABLE audit_log ADD COLUMN prev_hash bytea;
ALTER TABLE audit_log ADD COLUMN hash bytea;

-- The end of the chain: the last entry's id and hash. Appenders lock this one row, so the
-- chain never forks; it also tells a deletion of the last entries from an intact log.
CREATE TABLE audit_head (
    id         int PRIMARY KEY CHECK (id = 1),
    last_id    bigint NOT NULL,
    last_hash  bytea NOT NULL
);

CREATE TABLE settings (
    key         text PRIMARY KEY,
    value       text NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX cases_closed_at ON cases (closed_at) WHERE status = 'closed';
CREATE INDEX audit_log_case ON audit_log (case_id) WHERE case_id IS NOT NULL;
CREATE INDEX audit_log_at ON audit_log (at);

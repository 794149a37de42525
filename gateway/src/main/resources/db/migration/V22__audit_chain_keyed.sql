-- The audit chain is keyed (see AuditChain): entries written from now on are format 2, an
-- HMAC under the audit key the database does not hold; the entries already there stay format 1
-- (plain SHA-256) and are fixed by the first keyed entry, whose hash covers the one before it.
-- The chain head gets a seal under the same key, so it cannot be moved back or replaced.

ALTER TABLE audit_log ADD COLUMN chain smallint NOT NULL DEFAULT 1 CHECK (chain IN (1, 2));
ALTER TABLE audit_log ALTER COLUMN chain DROP DEFAULT;   -- an appender says which format it wrote

ALTER TABLE audit_head ADD COLUMN seal bytea;            -- null until the first keyed entry

-- Moving the head to a new entry clears its seal; the appender seals it again in the same
-- transaction (an appender that does not leaves a head that verify reports).
CREATE OR REPLACE FUNCTION audit_log_link() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    head audit_head%ROWTYPE;
BEGIN
    SELECT * INTO head FROM audit_head WHERE id = 1 FOR UPDATE;
    IF NEW.id <> head.last_id + 1 OR NEW.prev_hash <> head.last_hash THEN
        RAISE EXCEPTION 'audit_log entry % does not extend the chain head %', NEW.id, head.last_id
            USING ERRCODE = 'serialization_failure';
    END IF;
    UPDATE audit_head SET last_id = NEW.id, last_hash = NEW.hash, seal = NULL WHERE id = 1;
    RETURN NEW;
END
$$;

-- The head moves forward one entry at a time, or keeps its place and takes a seal.
CREATE OR REPLACE FUNCTION audit_head_forward() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'UPDATE' OR NOT (NEW.last_id = OLD.last_id + 1
            OR (NEW.last_id = OLD.last_id AND NEW.last_hash = OLD.last_hash AND NEW.seal IS NOT NULL)) THEN
        RAISE EXCEPTION 'audit_head only moves forward: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$$;

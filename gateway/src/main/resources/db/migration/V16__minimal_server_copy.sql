-- After hand-off the server keeps nothing it could read of what a person said or where they are
-- (docs/crypto.md, "What stays in clear, and what the server can read").

-- The outbox keeps a message's text and, for channels that address people, its address (both
-- under the server keyring) only until the message is finished: sent, failed or expired rows keep
-- status, provider id and times. Addresses come with each message (from the inbound request, or
-- from a coordinator's session that unsealed the case's contact entry), not from the conversation.
ALTER TABLE outbox ADD COLUMN address bytea;
ALTER TABLE outbox ALTER COLUMN body DROP NOT NULL;
UPDATE outbox o SET address = c.address FROM conversations c
    WHERE c.id = o.conversation_id AND o.status = 'pending' AND c.address IS NOT NULL;
UPDATE outbox SET body = NULL, address = NULL WHERE status <> 'pending';

-- A conversation still in its intake needs no stored address: the next message carries it. Those
-- handed off before this version are sealed into their cases (a 'contact' entry) by the gateway at
-- start, which then clears the column (ContactUpgrade); nothing writes it any more.
UPDATE conversations SET address = NULL WHERE case_id IS NULL;

ALTER TABLE case_entries DROP CONSTRAINT case_entries_kind_check;
ALTER TABLE case_entries ADD CONSTRAINT case_entries_kind_check
    CHECK (kind IN ('answers', 'message_in', 'message_out', 'note', 'referral', 'contact'));

-- The refusal to seal to a retired team key gets its own SQLSTATE, so that a dialogue step that
-- meets a key retired a moment ago is told apart from a bug, and run again with the current key.
CREATE OR REPLACE FUNCTION entry_keys_active_key() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM team_keys WHERE key_id = NEW.key_id AND retired_at IS NOT NULL) THEN
        RAISE EXCEPTION 'team key % is retired', NEW.key_id USING ERRCODE = 'HVK01';
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

-- Finding conversations that never became a case, to delete them when the resume window passes.
CREATE INDEX conversations_unfinished ON conversations (updated_at) WHERE case_id IS NULL;

-- The outbox delivers a conversation's messages in order: a message is claimed only when no
-- earlier one of its conversation is pending. This index answers that question from pending rows
-- alone (sent ones stay in the table until retention removes them), on every claim.
CREATE INDEX outbox_pending_conversation ON outbox (conversation_id, seq) WHERE status = 'pending';

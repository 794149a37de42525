-- Outbound delivery and inbound de-duplication.

-- Where to send replies for channels that push (SMS number, Telegram chat id): encrypted under
-- the server keyring, bound to the conversation. Web chat conversations have none.
ALTER TABLE conversations ADD COLUMN address bytea;
-- Set when the person opted out (STOP) or the provider says they are unreachable for good
-- (Twilio 21610, Telegram 403): nothing is sent until they opt in again.
ALTER TABLE conversations ADD COLUMN stopped_at timestamptz;

-- Every inbound message id seen, keyed by a keyed hash of channel, contact and id, so a
-- provider's retry or a client's resend is applied once.
CREATE TABLE inbound_seen (
    message_key  bytea PRIMARY KEY,
    seen_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX inbound_seen_age ON inbound_seen (seen_at);

-- Messages waiting to be delivered. The text is encrypted under the server keyring; a row goes
-- with its conversation when the person deletes it.
CREATE TABLE outbox (
    id               uuid PRIMARY KEY,
    conversation_id  uuid NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    channel          text NOT NULL,
    body             bytea NOT NULL,
    status           text NOT NULL CHECK (status IN ('pending', 'sent', 'failed', 'expired')),
    attempts         int NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    expires_at       timestamptz NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    sent_at          timestamptz,
    provider_id      text,
    delivery_status  text,
    error_code       text,
    seq              bigserial
);
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE status = 'pending';
CREATE INDEX outbox_conversation ON outbox (conversation_id, seq);
CREATE INDEX outbox_provider ON outbox (provider_id) WHERE provider_id IS NOT NULL;

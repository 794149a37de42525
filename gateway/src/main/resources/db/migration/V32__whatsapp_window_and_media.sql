-- Issue 21: the WhatsApp 24-hour window. When the person last wrote (free-form replies are allowed
-- for 24 hours after it) and when the template that announces a held reply was last sent, per
-- conversation. Times only: no address, no text. Gone with the conversation.
CREATE TABLE reply_windows (
    conversation_id  uuid PRIMARY KEY REFERENCES conversations (id) ON DELETE CASCADE,
    last_inbound_at  timestamptz NOT NULL,
    template_sent_at timestamptz
);

-- Issue 21: voice notes, photos and documents. After hand-off each is a sealed case entry of kind
-- 'attachment'. One sent during the intake waits here, under the server keyring (as the intake's
-- own state does), until the hand-off seals it into the case to the same recipients as the
-- answers; it goes with the conversation (DELETE, the retention purge of abandoned intakes).
ALTER TABLE case_entries DROP CONSTRAINT case_entries_kind_check;
ALTER TABLE case_entries ADD CONSTRAINT case_entries_kind_check
    CHECK (kind IN ('answers', 'message_in', 'message_out', 'note', 'referral', 'contact', 'attachment'));

CREATE TABLE held_media (
    id               bigserial PRIMARY KEY,
    conversation_id  uuid NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    body             bytea NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX held_media_conversation ON held_media (conversation_id, id);

-- The person's own copy of a web conversation since its hand-off (their messages, the bot's and
-- the coordinators' replies), shown again when they reload the chat page. Each row is encrypted
-- under the conversation's history key, which lives only inside the conversation's state, itself
-- encrypted under a key derived from the person's resume token: the server cannot open it at rest.
CREATE TABLE person_history (
    seq              bigserial PRIMARY KEY,
    conversation_id  uuid NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    body             bytea NOT NULL
);
CREATE INDEX person_history_conversation ON person_history (conversation_id, seq);

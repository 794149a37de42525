-- Issue 19 (scope 7): the canned replies coordinators pick on a case's reply box, managed by
-- administrators in the inbox. Each has a title and a text per language, in the administrators'
-- order. They are the organisation's own words, not personal data: kept in clear. They replace the
-- intake script's canned_* messages, which seed this table once (settings key
-- canned_replies_seeded), so an administrator's deletions are not undone at the next start.
CREATE TABLE canned_replies (
    id          bigserial PRIMARY KEY,
    position    integer NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE canned_reply_texts (
    reply_id  bigint NOT NULL REFERENCES canned_replies (id) ON DELETE CASCADE,
    language  text NOT NULL CHECK (language ~ '^[a-z]{2,3}$'),
    title     text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    text      text NOT NULL CHECK (length(text) BETWEEN 1 AND 4000),
    PRIMARY KEY (reply_id, language)
);

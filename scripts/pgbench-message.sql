-- One dialogue step's SQL, statement for statement as Conversations.receive runs it for a message
-- to a known conversation, in one transaction, with bytea values of the sizes Haven writes
-- (incompressible, like ciphertext). Run by scripts/pgbench-message.sh, which seeds the
-- 'pgbench' conversations and cases first and removes them afterwards. Variables (-D):
--   conversations  how many seeded conversations the steps spread over
--   state_blocks   conversation state size in 32-byte blocks     (Haven: see docs/performance.md)
--   body_blocks    outbox body size in 32-byte blocks
--   outbox         1: queue the reply in the outbox (SMS, Telegram); 0: no outbox (web chat answers on its socket)
-- About 4 steps in 19 also append a sealed case entry (the handoff and messages after it).
\set c random(1, :conversations)
\set n random(1, 2000000000)
\set e random(1, 19)
-- a step queues 1 or 2 replies (about 1.7 on average in the default intake)
\set r 1 + case when random(1, 10) <= 7 then 1 else 0 end
BEGIN;
-- de-duplication: the keyed hash of channel, contact and message id (32 bytes)
INSERT INTO inbound_seen (message_key)
    VALUES ('pgb:'::bytea || substring(sha256(int8send(:n) || int8send(:client_id) || convert_to(clock_timestamp()::text, 'UTF8')) from 1 for 28))
    ON CONFLICT DO NOTHING;
-- find and lock the conversation by the keyed hash of its contact address
SELECT id AS conv_id, case_id AS case_id, length(state) AS state_len
    FROM conversations WHERE channel = 'pgbench' AND contact_hash = sha256(int4send(:c)) FOR UPDATE \gset
\if :e <= 4
SELECT coalesce(max(seq), 0) + 1 AS seq FROM case_entries WHERE case_id = :case_id \gset
INSERT INTO case_entries (case_id, seq, kind, ciphertext, author)
    VALUES (:case_id, :seq, 'message_in', (SELECT string_agg(sha256(int4send(g) || int8send(:n)), ''::bytea) FROM generate_series(1, 8) g), NULL);
INSERT INTO entry_keys (case_id, seq, key_id, sealed_key)
    VALUES (:case_id, :seq, 'pgbench', (SELECT string_agg(sha256(int4send(g) || int8send(:n)), ''::bytea) FROM generate_series(1, 4) g));
UPDATE cases SET last_message_at = now(), updated_at = now() WHERE id = :case_id;
\endif
UPDATE conversations
    SET state = (SELECT string_agg(sha256(int4send(g) || int8send(:n)), ''::bytea) FROM generate_series(1, :state_blocks) g),
        case_id = coalesce(NULL, case_id), updated_at = now(),
        stopped_at = CASE WHEN false::boolean IS NULL THEN stopped_at WHEN false THEN now() ELSE NULL END
    WHERE id = :conv_id;
\if :outbox
-- all of a step's replies in one statement; due in an hour, so the running gateway's outbox leaves them alone
INSERT INTO outbox (id, conversation_id, channel, body, status, expires_at, next_attempt_at)
    SELECT gen_random_uuid(), :conv_id, 'pgbench',
           (SELECT string_agg(sha256(int4send(g) || int8send(:n) || int4send(k)), ''::bytea) FROM generate_series(1, :body_blocks) g),
           'pending', now() + interval '1 hour', now() + interval '1 hour'
    FROM generate_series(1, :r) k ORDER BY k;
\endif
END;

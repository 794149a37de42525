-- A coordinator's reply names the case entry it was written as, so the case page can say what
-- became of it: waiting for the person to come back, delivered, or not delivered.
ALTER TABLE outbox ADD COLUMN entry_case uuid;
ALTER TABLE outbox ADD COLUMN entry_seq int;
CREATE INDEX outbox_entry ON outbox (entry_case) WHERE entry_case IS NOT NULL;
-- When a reply first found the person away (their web chat closed).
ALTER TABLE outbox ADD COLUMN waiting_since timestamptz;

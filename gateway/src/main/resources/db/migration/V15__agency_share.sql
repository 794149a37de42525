-- What the referring agency may be told of a case, as the client consented in the intake
-- (share_with_agency): any of 'arrived', 'contacted', 'outcome'. Empty: the agency is told
-- nothing, and the referral does not appear in its list. Referrals made before this column
-- keep what their agency could already see (every status).
ALTER TABLE cases ADD COLUMN agency_share text[] NOT NULL DEFAULT '{}';
UPDATE cases SET agency_share = '{arrived,contacted,outcome}' WHERE agency_id IS NOT NULL;

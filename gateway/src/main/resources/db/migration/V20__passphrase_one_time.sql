-- Everyone chooses their own passphrase (issue 15). A passphrase an administrator set is one-time:
-- the account must choose its own at its next login before anything else, and choosing re-wraps
-- its personal key. A new row is one-time unless the code says otherwise (only the first
-- administrator, at setup, chose theirs).
ALTER TABLE accounts ADD COLUMN passphrase_one_time boolean NOT NULL DEFAULT true;

-- Accounts from before: every one was given its passphrase by an administrator, except the first
-- administrator, who chose theirs at setup (the audit log names them).
UPDATE accounts SET passphrase_one_time = false
 WHERE username IN (SELECT actor FROM audit_log WHERE action = 'setup_admin');

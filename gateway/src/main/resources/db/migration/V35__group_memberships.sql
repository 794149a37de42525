-- Compartments (issue 20): a coordinator's membership of a working group is authenticated. Each
-- grant of a group key carries an administrator's signature over the membership it stands for
-- (label haven/group-member/v1: group id, group key id, account id, the account's personal public
-- key, signer; docs/crypto.md "Group keys"). When a group's key rotates, the new key is granted
-- only to accounts whose grant of the old key verifies: a row written into account_groups by
-- someone who can write the database no longer brings a group's key. Grants from before this
-- migration have no signature and are not renewed by a rotation.
ALTER TABLE group_key_grants
    ADD COLUMN member_signer    text,
    ADD COLUMN member_signature bytea;

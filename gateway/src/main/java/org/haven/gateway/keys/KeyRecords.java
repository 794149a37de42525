package org.haven.gateway.keys;

import org.haven.crypto.SignedRecord;

/**
 * What is signed for each recipient key (docs/crypto.md, "Key records"): {@link SignedRecord}
 * encodings rebuilt from the stored columns, one label per kind of record, so that no record of one
 * kind verifies as another.
 */
public final class KeyRecords {
    /**
     * Label of a team key record from before working-group keys, when coordinators could hold the
     * team key: verified, never made any more.
     */
    static final String TEAM_V1 = "haven/team-key/v1";

    /**
     * Label of a team key record whose signed meaning is "this key and its successors are granted
     * to administrators only" (every key made since working-group keys): a rotation from such a key
     * grants no coordinator anything on the strength of a grant of it, and its successor must carry
     * this label too.
     */
    static final String TEAM = "haven/team-key/v2";

    /** Label of an account's personal key record. */
    static final String ACCOUNT = "haven/account-key/v1";

    /** Label of an agency key record. */
    static final String AGENCY = "haven/agency-key/v1";

    /** Label of a working group's key record. */
    static final String GROUP = "haven/group-key/v1";

    /** Label of a coordinator's membership of a working group, as one grant of its key. */
    static final String GROUP_MEMBER = "haven/group-member/v1";

    private KeyRecords() {}

    /**
     * A team key, administrators only ({@link #TEAM}): its id, X25519 and Ed25519 public keys, the
     * id of the key it succeeded (empty for the first) and the administrator who co-signed the
     * rotation ({@code account:<id>}, empty for the first). Signed by the previous team key and by
     * that administrator.
     */
    public static byte[] team(
            String keyId, byte[] publicKey, byte[] signingKey, String previousKeyId, String admin) {
        return team(TEAM, keyId, publicKey, signingKey, previousKeyId, admin);
    }

    /**
     * The same fields under the label of a team key from before working-group keys ({@link
     * #TEAM_V1}): what such a key's record was signed as; verified, never made by Haven now.
     */
    public static byte[] legacyTeam(
            String keyId, byte[] publicKey, byte[] signingKey, String previousKeyId, String admin) {
        return team(TEAM_V1, keyId, publicKey, signingKey, previousKeyId, admin);
    }

    private static byte[] team(
            String label,
            String keyId,
            byte[] publicKey,
            byte[] signingKey,
            String previousKeyId,
            String admin) {
        return SignedRecord.builder(label)
                .text(keyId)
                .bytes(publicKey)
                .bytes(signingKey)
                .text(previousKeyId)
                .text(admin)
                .encode();
    }

    /**
     * An account's personal key: id, username, role, agency id (8 bytes, or empty), X25519 and
     * Ed25519 public keys (the Ed25519 empty when it was not known at signing) and who signs it.
     */
    public static byte[] account(
            long id,
            String username,
            String role,
            Long agencyId,
            byte[] publicKey,
            byte[] signingKey,
            String signer) {
        SignedRecord.Builder b = SignedRecord.builder(ACCOUNT).number(id).text(username).text(role);
        b = agencyId == null ? b.bytes(null) : b.number(agencyId);
        return b.bytes(publicKey).bytes(signingKey).text(signer).encode();
    }

    /** An agency's key: agency id, referral code, key id, X25519 public key and who signs it. */
    public static byte[] agency(
            long id, String referralCode, String keyId, byte[] publicKey, String signer) {
        return SignedRecord.builder(AGENCY)
                .number(id)
                .text(referralCode)
                .text(keyId)
                .bytes(publicKey)
                .text(signer)
                .encode();
    }

    /** A working group's key: group id, key id, X25519 public key and who signs it. */
    public static byte[] group(String groupId, String keyId, byte[] publicKey, String signer) {
        return SignedRecord.builder(GROUP)
                .text(groupId)
                .text(keyId)
                .bytes(publicKey)
                .text(signer)
                .encode();
    }

    /**
     * A coordinator's membership of a working group, for one key of the group: group id, group key
     * id, account id, the account's personal X25519 public key and who signs it. Signed by the
     * administrator who grants the key; naming the key id means that a membership ends with the key
     * it was signed for (a removal rotates the key), so an old signature cannot be replayed.
     */
    public static byte[] groupMember(
            String groupId, String keyId, long accountId, byte[] accountKey, String signer) {
        return SignedRecord.builder(GROUP_MEMBER)
                .text(groupId)
                .text(keyId)
                .number(accountId)
                .bytes(accountKey)
                .text(signer)
                .encode();
    }

    /** How an administrator is named as a signer. */
    public static String accountSigner(long accountId) {
        return "account:" + accountId;
    }

    /** How a team key is named as a signer (of an administrator's record). */
    public static String teamSigner(String keyId) {
        return "team:" + keyId;
    }
}

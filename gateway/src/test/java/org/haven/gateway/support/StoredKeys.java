package org.haven.gateway.support;

import io.vertx.pgclient.PgConnectOptions;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.haven.crypto.PassphraseBox;
import org.haven.crypto.RecipientPrivateKey;
import org.haven.crypto.SecretKeyAccess;
import org.haven.gateway.keys.AgencyKeys;
import org.haven.gateway.keys.EntrySealing;
import org.haven.gateway.keys.KeyGrants;

/**
 * Opens what the database stores the way someone holding a passphrase would, with the real crypto:
 * an account's team key from its grant, an agency's key from its team-sealed copy, and a case's
 * answers entry with a given key.
 */
public final class StoredKeys {
    private StoredKeys() {}

    /** The current team private key, unlocked from {@code username}'s personal key and grant. */
    public static RecipientPrivateKey teamKey(
            PgConnectOptions db, String username, String passphrase) throws Exception {
        List<String> row =
                DatabaseDump.query(
                                db,
                                "SELECT a.id, a.sealed_private_key, g.key_id, g.sealed FROM accounts a"
                                        + " JOIN team_key_grants g ON g.account_id = a.id JOIN team_keys k ON k.key_id = g.key_id"
                                        + " WHERE k.retired_at IS NULL AND a.username = '"
                                        + username
                                        + "'")
                        .get(0);
        RecipientPrivateKey personal = personal(row.get(1), passphrase);
        try {
            return KeyGrants.open(
                    bytes(row.get(3)), row.get(2), Long.parseLong(row.get(0)), personal);
        } finally {
            personal.destroy();
        }
    }

    /** An agency's private key, unlocked from its copy sealed to the team key. */
    public static RecipientPrivateKey agencyKey(
            PgConnectOptions db, String agencyName, RecipientPrivateKey team) throws Exception {
        List<String> row =
                DatabaseDump.query(
                                db,
                                "SELECT id, key_id, sealed_private_key FROM agencies WHERE name = '"
                                        + agencyName
                                        + "'")
                        .get(0);
        return AgencyKeys.openWithTeamKey(
                bytes(row.get(2)), Long.parseLong(row.get(0)), row.get(1), team);
    }

    /** An agency worker's grant of their agency's current key, opened with their passphrase. */
    public static RecipientPrivateKey agencyGrant(
            PgConnectOptions db, String username, String passphrase) throws Exception {
        List<String> row =
                DatabaseDump.query(
                                db,
                                "SELECT a.id, a.sealed_private_key, g.key_id, g.sealed, a.agency_id"
                                        + " FROM accounts a JOIN agency_key_grants g ON g.account_id = a.id"
                                        + " JOIN agencies ag ON ag.id = a.agency_id AND ag.key_id = g.key_id WHERE a.username = '"
                                        + username
                                        + "'")
                        .get(0);
        RecipientPrivateKey personal = personal(row.get(1), passphrase);
        try {
            return AgencyKeys.openGrant(
                    bytes(row.get(3)),
                    row.get(2),
                    Long.parseLong(row.get(4)),
                    Long.parseLong(row.get(0)),
                    personal);
        } finally {
            personal.destroy();
        }
    }

    /** The key ids a case's answers entry is sealed to, in the order stored. */
    public static List<String> answersRecipients(PgConnectOptions db, UUID caseId)
            throws Exception {
        return answersKeys(db, caseId).keySet().stream().sorted().toList();
    }

    /** Opens a case's answers entry with one private key; throws if it is not sealed to it. */
    public static String openAnswers(PgConnectOptions db, UUID caseId, RecipientPrivateKey key)
            throws Exception {
        List<String> row =
                DatabaseDump.query(
                                db,
                                "SELECT seq, ciphertext FROM case_entries WHERE kind = 'answers' AND case_id = '"
                                        + caseId
                                        + "'")
                        .get(0);
        byte[] plain =
                EntrySealing.open(
                        caseId,
                        Integer.parseInt(row.get(0)),
                        "answers",
                        bytes(row.get(1)),
                        answersKeys(db, caseId),
                        key);
        return new String(plain, StandardCharsets.UTF_8);
    }

    private static Map<String, byte[]> answersKeys(PgConnectOptions db, UUID caseId)
            throws Exception {
        Map<String, byte[]> keys = new LinkedHashMap<>();
        for (List<String> r :
                DatabaseDump.query(
                        db,
                        "SELECT k.key_id, k.sealed_key FROM entry_keys k JOIN case_entries e"
                                + " ON e.case_id = k.case_id AND e.seq = k.seq WHERE e.kind = 'answers' AND k.case_id = '"
                                + caseId
                                + "'")) {
            keys.put(r.get(0), bytes(r.get(1)));
        }
        return keys;
    }

    private static RecipientPrivateKey personal(String sealedHex, String passphrase)
            throws GeneralSecurityException {
        byte[] raw = PassphraseBox.open(bytes(sealedHex), passphrase.toCharArray());
        try {
            return RecipientPrivateKey.fromBytes(raw, SecretKeyAccess.INSECURE);
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }

    /** A bytea as PostgreSQL prints it ({@code \x…}). */
    private static byte[] bytes(String hex) {
        return HexFormat.of().parseHex(hex.startsWith("\\x") ? hex.substring(2) : hex);
    }
}

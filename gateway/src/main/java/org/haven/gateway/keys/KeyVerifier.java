package org.haven.gateway.keys;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.haven.crypto.RecipientPublicKey;
import org.haven.crypto.SignatureKey;
import org.haven.gateway.store.GroupKeyStore;
import org.haven.gateway.store.KeyRecordStore.AccountKeyRow;
import org.haven.gateway.store.KeyRecordStore.AgencyKeyRow;
import org.haven.gateway.store.KeyRecordStore.Snapshot;
import org.haven.gateway.store.KeyRecordStore.TeamKeyRow;

/**
 * Decides which key records may be used (docs/crypto.md, "Key records"). The walk starts at the
 * team key whose fingerprint is pinned, follows the team key chain (each key signed by the one
 * before it and by an administrator), verifies administrators (signed by a team key of the chain,
 * or by an administrator already verified), then every other account and every agency (signed by a
 * verified administrator). Whatever does not verify is rejected, never used.
 *
 * <p>Pure: it reads nothing and writes nothing; the caller reports the rejections. Signature checks
 * are remembered (by key, record and signature), so a reload every few seconds re-verifies only
 * what changed.
 */
public final class KeyVerifier {
    private static final int MEMO_LIMIT = 20_000;

    /**
     * A record that failed verification: {@code kind} team, account or agency, its id, and a digest
     * of what was stored.
     */
    public record Rejection(String kind, String id, String digest) {}

    /** How an agency key record read by the intake fared. */
    public enum AgencyCheck {
        VERIFIED,
        REJECTED,
        UNKNOWN_SIGNER,
        PENDING
    }

    /**
     * What verified. {@code chain}: the team keys from the pinned one to the newest, in order
     * (empty when no key matches the pin); {@code forked}: the newest verified key has more than
     * one validly signed successor, which only a holder of its private key and an administrator's
     * signing key can make; {@code legacy}: the pin is an upgrade pin, so nothing signed can be
     * verified yet and {@code pending} records wait for the next administrator login; {@code
     * administratorsOnly}: the newest verified key is granted to administrators only (its record is
     * {@code haven/team-key/v2}, or it is the first key and the pin is {@code hvpin2-}), so no
     * coordinator's grant of it is genuine.
     */
    public record Result(
            List<TeamKeyRow> chain,
            boolean forked,
            Map<Long, AccountKeyRow> accounts,
            Map<Long, SignatureKey> adminKeys,
            Map<Long, AgencyKeyRow> agencies,
            List<Rejection> rejected,
            boolean legacy,
            int pending,
            boolean administratorsOnly) {
        /** The newest verified team key, if any. */
        public Optional<TeamKeyRow> head() {
            return chain.isEmpty() ? Optional.empty() : Optional.of(chain.get(chain.size() - 1));
        }

        /** Whether team key {@code keyId} is in the verified chain. */
        public boolean inChain(String keyId) {
            return chain.stream().anyMatch(t -> t.keyId().equals(keyId));
        }

        /** The verified record of account {@code id}, if it verified. */
        public Optional<AccountKeyRow> account(long id) {
            return Optional.ofNullable(accounts.get(id));
        }

        /** Whether {@code id} is a verified administrator whose signing key is {@code key}. */
        public boolean isAdministrator(long id, SignatureKey key) {
            return key != null && key.equals(adminKeys.get(id));
        }

        /** Whether agency {@code id}'s key record verified. */
        public boolean agencyVerified(long id) {
            return agencies.containsKey(id);
        }

        /** Whether account {@code id}'s key record was rejected. */
        public boolean accountRejected(long id) {
            return rejected.stream()
                    .anyMatch(r -> r.kind().equals("account") && r.id().equals(Long.toString(id)));
        }

        /** Whether agency {@code id}'s key record was rejected. */
        public boolean agencyRejected(long id) {
            return rejected.stream()
                    .anyMatch(r -> r.kind().equals("agency") && r.id().equals(Long.toString(id)));
        }
    }

    private final Map<String, Boolean> memo = new ConcurrentHashMap<>();
    private final Map<String, Optional<SignatureKey>> signatureKeys = new ConcurrentHashMap<>();
    private final Map<String, Optional<String>> keyIds = new ConcurrentHashMap<>();

    /** Verifies every record of {@code s} from {@code pin}. */
    public Result verify(Snapshot s, TeamKeyPin pin) {
        TeamKeyRow root = null;
        int roots = 0;
        for (TeamKeyRow t : s.team()) {
            if (pin.matches(t) && consistent(t)) {
                root = t;
                roots++;
            }
        }
        if (roots != 1) {
            root = null;
        }
        List<TeamKeyRow> chain = new ArrayList<>();
        Map<String, SignatureKey> teamKeys = new HashMap<>();
        Map<Long, AccountKeyRow> accounts = new HashMap<>();
        Map<Long, SignatureKey> admins = new HashMap<>();
        Map<Long, AgencyKeyRow> agencies = new HashMap<>();
        boolean forked = false;
        boolean administratorsOnly = false;
        if (root != null) {
            chain.add(root);
        }
        if (root != null && !pin.isLegacy()) {
            teamKeys.put(root.keyId(), signatureKey(root.signingKey()));
            administratorsOnly = pin.isAdministratorsOnly();
            while (true) {
                verifyAdministrators(s.accounts(), teamKeys, accounts, admins);
                TeamKeyRow head = chain.get(chain.size() - 1);
                List<TeamKeyRow> next = new ArrayList<>();
                boolean nextAdministratorsOnly = false;
                for (TeamKeyRow t : s.team()) {
                    if (!head.keyId().equals(t.previousKeyId())
                            || teamKeys.containsKey(t.keyId())) {
                        continue;
                    }
                    Label label =
                            successor(
                                    t,
                                    head,
                                    teamKeys.get(head.keyId()),
                                    admins,
                                    administratorsOnly);
                    if (label != Label.NONE) {
                        next.add(t);
                        nextAdministratorsOnly = label == Label.ADMINISTRATORS_ONLY;
                    }
                }
                if (next.size() > 1) {
                    forked = true;
                }
                if (next.size() != 1) {
                    break;
                }
                chain.add(next.get(0));
                administratorsOnly = nextAdministratorsOnly;
                teamKeys.put(next.get(0).keyId(), signatureKey(next.get(0).signingKey()));
            }
            for (AccountKeyRow a : s.accounts()) {
                if (!accounts.containsKey(a.id())
                        && !"admin".equals(a.role())
                        && accountVerified(a, teamKeys, admins)) {
                    accounts.put(a.id(), a);
                }
            }
            for (AgencyKeyRow g : s.agencies()) {
                if (g.keyId() != null && agencyVerified(g, admins)) {
                    agencies.put(g.id(), g);
                }
            }
        }

        List<Rejection> rejected = new ArrayList<>();
        Set<String> inChain = new HashSet<>(teamKeys.keySet());
        if (root != null) {
            inChain.add(root.keyId());
        }
        for (TeamKeyRow t : s.team()) {
            if (!t.retired() && !inChain.contains(t.keyId())) {
                rejected.add(
                        new Rejection(
                                "team",
                                safeKeyId(t.keyId()),
                                digest(
                                        t.keyId(),
                                        t.publicKey(),
                                        t.signingKey(),
                                        t.previousKeyId(),
                                        String.valueOf(t.signedBy()),
                                        t.previousSignature(),
                                        t.adminSignature())));
            }
        }
        int pending = 0;
        for (AccountKeyRow a : s.accounts()) {
            if (a.disabled() || a.publicKey() == null || accounts.containsKey(a.id())) {
                continue;
            }
            if (pin.isLegacy()) {
                pending++;
            } else if (root != null) {
                rejected.add(
                        new Rejection(
                                "account",
                                Long.toString(a.id()),
                                digest(
                                        a.username(),
                                        a.role(),
                                        String.valueOf(a.agencyId()),
                                        a.publicKey(),
                                        a.signingKey(),
                                        a.signer(),
                                        a.signature())));
            }
        }
        for (AgencyKeyRow g : s.agencies()) {
            if (g.keyId() == null || agencies.containsKey(g.id())) {
                continue;
            }
            if (pin.isLegacy()) {
                pending++;
            } else if (root != null) {
                rejected.add(
                        new Rejection(
                                "agency",
                                Long.toString(g.id()),
                                digest(
                                        g.referralCode(),
                                        g.keyId(),
                                        g.publicKey(),
                                        g.signer(),
                                        g.signature())));
            }
        }
        return new Result(
                List.copyOf(chain),
                forked,
                Map.copyOf(accounts),
                Map.copyOf(admins),
                Map.copyOf(agencies),
                List.copyOf(rejected),
                pin.isLegacy(),
                pending,
                administratorsOnly);
    }

    /**
     * Checks one agency key record as the intake reads it, against the administrators of {@code
     * current}; {@link AgencyCheck#UNKNOWN_SIGNER} when its signer is not (yet) among them.
     */
    public AgencyCheck agency(AgencyKeyRow row, Result current) {
        if (current.legacy()) {
            return AgencyCheck.PENDING;
        }
        Long signer = accountSigner(row.signer());
        if (signer == null) {
            return AgencyCheck.REJECTED;
        }
        if (!current.adminKeys().containsKey(signer)) {
            return AgencyCheck.UNKNOWN_SIGNER;
        }
        return agencyVerified(row, current.adminKeys())
                ? AgencyCheck.VERIFIED
                : AgencyCheck.REJECTED;
    }

    /** The digest under which an agency's rejection is reported (as {@link #verify} reports it). */
    static Rejection agencyRejection(AgencyKeyRow g) {
        return new Rejection(
                "agency",
                Long.toString(g.id()),
                digest(g.referralCode(), g.keyId(), g.publicKey(), g.signer(), g.signature()));
    }

    /**
     * The rejection of a working group's key record, reported as {@code key_rejected:group:<key
     * id>} (the key id as Haven writes it, else a placeholder).
     */
    static Rejection groupRejection(GroupKeyStore.GroupKeyRow row) {
        return new Rejection(
                "group",
                safeKeyId(row.keyId()),
                digest(row.groupId(), row.keyId(), row.publicKey(), row.signer(), row.signature()));
    }

    /**
     * Whether a first team key's row carries its own signature (in {@code previous_signature}) of
     * its record as administrators only, with no previous key and no administrator: setup signs it
     * so, and a gateway that pins the key on first use then pins it {@code hvpin2-}. Never asked by
     * {@link #verify}, where the pin decides (a database writer can erase this signature, though
     * not make one).
     */
    static boolean selfSignedAdministratorsOnly(TeamKeyRow t) {
        if (t.signingKey() == null || t.previousSignature() == null || t.keyId() == null) {
            return false;
        }
        try {
            SignatureKey.fromBytes(t.signingKey())
                    .verify(
                            KeyRecords.team(t.keyId(), t.publicKey(), t.signingKey(), "", ""),
                            t.previousSignature());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private void verifyAdministrators(
            List<AccountKeyRow> rows,
            Map<String, SignatureKey> teamKeys,
            Map<Long, AccountKeyRow> verified,
            Map<Long, SignatureKey> admins) {
        boolean changed = true;
        while (changed) {
            changed = false;
            for (AccountKeyRow a : rows) {
                if ("admin".equals(a.role())
                        && !verified.containsKey(a.id())
                        && accountVerified(a, teamKeys, admins)) {
                    verified.put(a.id(), a);
                    SignatureKey own =
                            a.signingKey() == null || a.signingKey().length == 0
                                    ? null
                                    : signatureKey(a.signingKey());
                    if (own != null) {
                        admins.put(a.id(), own);
                    }
                    changed = true;
                }
            }
        }
    }

    private boolean accountVerified(
            AccountKeyRow a, Map<String, SignatureKey> teamKeys, Map<Long, SignatureKey> admins) {
        if (!recipientKey(a.publicKey()) || a.signer() == null || a.signature() == null) {
            return false;
        }
        if (a.signingKey() != null
                && a.signingKey().length > 0
                && signatureKey(a.signingKey()) == null) {
            return false;
        }
        SignatureKey by;
        if (a.signer().startsWith("team:")) {
            by = "admin".equals(a.role()) ? teamKeys.get(a.signer().substring(5)) : null;
        } else {
            Long signer = accountSigner(a.signer());
            by = signer == null || signer == a.id() ? null : admins.get(signer);
        }
        return signed(
                by,
                KeyRecords.account(
                        a.id(),
                        a.username(),
                        a.role(),
                        a.agencyId(),
                        a.publicKey(),
                        a.signingKey(),
                        a.signer()),
                a.signature());
    }

    private boolean agencyVerified(AgencyKeyRow g, Map<Long, SignatureKey> admins) {
        Long signer = accountSigner(g.signer());
        if (signer == null
                || !recipientKey(g.publicKey())
                || g.signature() == null
                || !g.keyId().equals(keyIdOf(g.publicKey()))) {
            return false;
        }
        return signed(
                admins.get(signer),
                KeyRecords.agency(g.id(), g.referralCode(), g.keyId(), g.publicKey(), g.signer()),
                g.signature());
    }

    /** Which label a successor's record verified under, if any. */
    private enum Label {
        NONE,
        BEFORE_GROUP_KEYS,
        ADMINISTRATORS_ONLY
    }

    /**
     * Whether {@code t} is a validly signed successor of {@code previous}, and under which label: a
     * record signed as {@code haven/team-key/v2} (administrators only), or, only when {@code
     * previous} is not itself administrators only, as {@code haven/team-key/v1}. So a key made
     * administrators only never has a successor that is not.
     */
    private Label successor(
            TeamKeyRow t,
            TeamKeyRow previous,
            SignatureKey previousKey,
            Map<Long, SignatureKey> admins,
            boolean previousAdministratorsOnly) {
        if (!consistent(t)
                || t.signingKey() == null
                || signatureKey(t.signingKey()) == null
                || t.signedBy() == null) {
            return Label.NONE;
        }
        String admin = KeyRecords.accountSigner(t.signedBy());
        byte[] record =
                KeyRecords.team(t.keyId(), t.publicKey(), t.signingKey(), previous.keyId(), admin);
        if (signedBoth(t, record, previousKey, admins)) {
            return Label.ADMINISTRATORS_ONLY;
        }
        if (previousAdministratorsOnly) {
            return Label.NONE;
        }
        byte[] legacy =
                KeyRecords.legacyTeam(
                        t.keyId(), t.publicKey(), t.signingKey(), previous.keyId(), admin);
        return signedBoth(t, legacy, previousKey, admins) ? Label.BEFORE_GROUP_KEYS : Label.NONE;
    }

    private boolean signedBoth(
            TeamKeyRow t, byte[] record, SignatureKey previousKey, Map<Long, SignatureKey> admins) {
        return signed(previousKey, record, t.previousSignature())
                && signed(admins.get(t.signedBy()), record, t.adminSignature());
    }

    /** A team key row whose key id is the id of its public key. */
    private boolean consistent(TeamKeyRow t) {
        return recipientKey(t.publicKey())
                && t.keyId() != null
                && t.keyId().equals(keyIdOf(t.publicKey()));
    }

    private boolean signed(SignatureKey key, byte[] record, byte[] signature) {
        if (key == null || signature == null) {
            return false;
        }
        String k = HexFormat.of().formatHex(sha256(key.toBytes(), sha256(record), signature));
        Boolean known = memo.get(k);
        if (known != null) {
            return known;
        }
        boolean ok;
        try {
            key.verify(record, signature);
            ok = true;
        } catch (GeneralSecurityException e) {
            ok = false;
        }
        bounded(memo).put(k, ok);
        return ok;
    }

    private static Long accountSigner(String signer) {
        if (signer == null || !signer.matches("account:[0-9]{1,18}")) {
            return null;
        }
        return Long.valueOf(signer.substring("account:".length()));
    }

    /** The Ed25519 key these bytes encode, or null (remembered: importing one checks the point). */
    private SignatureKey signatureKey(byte[] b) {
        if (b == null) {
            return null;
        }
        Optional<SignatureKey> known = signatureKeys.get(HexFormat.of().formatHex(b));
        if (known != null) {
            return known.orElse(null);
        }
        SignatureKey k;
        try {
            k = SignatureKey.fromBytes(b);
        } catch (GeneralSecurityException e) {
            k = null;
        }
        bounded(signatureKeys).put(HexFormat.of().formatHex(b), Optional.ofNullable(k));
        return k;
    }

    private boolean recipientKey(byte[] b) {
        return keyIdOf(b) != null;
    }

    /**
     * The key id of the X25519 key these bytes encode, or null (remembered: importing one checks
     * its order).
     */
    private String keyIdOf(byte[] b) {
        if (b == null) {
            return null;
        }
        Optional<String> known = keyIds.get(HexFormat.of().formatHex(b));
        if (known != null) {
            return known.orElse(null);
        }
        String id;
        try {
            id = RecipientPublicKey.fromBytes(b).keyId();
        } catch (GeneralSecurityException e) {
            id = null;
        }
        bounded(keyIds).put(HexFormat.of().formatHex(b), Optional.ofNullable(id));
        return id;
    }

    private static <V> Map<String, V> bounded(Map<String, V> memo) {
        if (memo.size() > MEMO_LIMIT) {
            memo.clear();
        }
        return memo;
    }

    /**
     * A team key id as it may be logged: what Haven writes, else a placeholder (the column is
     * anyone's to write).
     */
    static String safeKeyId(String keyId) {
        return keyId != null && keyId.matches("[0-9a-f]{16}") ? keyId : "malformed";
    }

    private static String digest(Object... parts) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (Object p : parts) {
                byte[] b =
                        p instanceof byte[] bytes
                                ? bytes
                                : String.valueOf(p).getBytes(StandardCharsets.UTF_8);
                md.update(sha256(b));
            }
            return HexFormat.of().formatHex(md.digest(), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] sha256(byte[]... parts) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (byte[] p : parts) {
                md.update(p);
            }
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

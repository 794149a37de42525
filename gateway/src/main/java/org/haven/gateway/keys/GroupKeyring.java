package org.haven.gateway.keys;

import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.haven.crypto.RecipientPrivateKey;
import org.haven.crypto.RecipientPublicKey;
import org.haven.crypto.SignatureKey;
import org.haven.gateway.store.AccountStore;
import org.haven.gateway.store.Db;
import org.haven.gateway.store.EntryKeyStore;
import org.haven.gateway.store.GroupKeyStore;
import org.haven.gateway.store.GroupKeyStore.GroupKeyRow;
import org.haven.gateway.store.KeyRecordStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Working-group keys (compartments, docs/crypto.md "Group keys"): which key seals a group's cases,
 * and what a holder of the team key (an administrator) does with them: creates a group's key the
 * first time it is needed, its record signed by the administrator; grants it to a coordinator of
 * the group; and seals to it the entries of the group's cases that were sealed before it existed
 * (an installation from before group keys). A key is a recipient only when its record verifies: it
 * must be signed by an administrator whose own record verifies from the team key pin, so that
 * someone who can write the database cannot plant a group key.
 */
public final class GroupKeyring {
    private static final Logger LOG = LoggerFactory.getLogger(GroupKeyring.class);

    /** A group key whose record does not verify: it is not used. */
    public static final class RejectedKey extends RuntimeException {
        private static final long serialVersionUID = 1L;

        RejectedKey(String groupId) {
            super("the key of working group " + groupId + " does not verify");
        }
    }

    private final TeamKeys teamKeys;
    private final Map<String, Boolean> memo = new ConcurrentHashMap<>();

    public GroupKeyring(TeamKeys teamKeys) {
        this.teamKeys = teamKeys;
    }

    /**
     * The key that seals the entries of a case of working group {@code keyGroup} ({@link
     * GroupKeyStore#INTAKE} for a case without one): empty when the group has no key yet, or its
     * record does not verify (then the entry is sealed to the administrators' team key alone, and
     * the next administrator action that prepares the groups seals it to the group).
     */
    public Future<Optional<RecipientPublicKey>> recipient(Db db, String keyGroup) {
        return GroupKeyStore.current(db, keyGroup)
                .compose(
                        row -> {
                            if (row.isEmpty()) {
                                return Future.succeededFuture(Optional.empty());
                            }
                            return verified(row.get())
                                    .map(
                                            ok -> {
                                                if (!ok) {
                                                    return Optional.<RecipientPublicKey>empty();
                                                }
                                                try {
                                                    return Optional.of(
                                                            RecipientPublicKey.fromBytes(
                                                                    row.get().publicKey()));
                                                } catch (GeneralSecurityException e) {
                                                    return Optional.<RecipientPublicKey>empty();
                                                }
                                            });
                        });
    }

    /**
     * Whether a group key's record verifies: key id of its public key, signed by a verified
     * administrator (the records are loaded again once when the signer is not known yet).
     */
    Future<Boolean> verified(GroupKeyRow row) {
        KeyVerifier.Result current = teamKeys.verified();
        Long signer = accountSigner(row.signer());
        if (current != null && signer != null && !current.adminKeys().containsKey(signer)) {
            return teamKeys.reload().map(v -> decide(row, teamKeys.verified())).otherwise(false);
        }
        return Future.succeededFuture(decide(row, current));
    }

    /**
     * The same, against what {@code verified} holds (inside a grant's or rotation's transaction).
     */
    boolean decide(GroupKeyRow row, KeyVerifier.Result verified) {
        boolean ok = check(row, verified);
        if (!ok && verified != null && !verified.legacy()) {
            teamKeys.reportRejected(KeyVerifier.groupRejection(row));
        }
        return ok;
    }

    private boolean check(GroupKeyRow row, KeyVerifier.Result verified) {
        if (verified == null || verified.legacy()) {
            return false;
        }
        Long signer = accountSigner(row.signer());
        SignatureKey key = signer == null ? null : verified.adminKeys().get(signer);
        if (key == null || row.signature() == null) {
            return false;
        }
        String memoKey;
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(key.toBytes());
            sha.update(row.groupId().getBytes(StandardCharsets.UTF_8));
            sha.update(row.keyId().getBytes(StandardCharsets.UTF_8));
            sha.update(row.publicKey());
            sha.update(row.signature());
            memoKey = HexFormat.of().formatHex(sha.digest());
        } catch (GeneralSecurityException e) {
            return false;
        }
        return memo.computeIfAbsent(
                memoKey,
                k -> {
                    try {
                        RecipientPublicKey pub = RecipientPublicKey.fromBytes(row.publicKey());
                        if (!pub.keyId().equals(row.keyId())) {
                            return false;
                        }
                        key.verify(
                                KeyRecords.group(
                                        row.groupId(), row.keyId(), row.publicKey(), row.signer()),
                                row.signature());
                        return true;
                    } catch (GeneralSecurityException e) {
                        return false;
                    }
                });
    }

    /**
     * Opens group {@code groupId}'s current private key with the team key, creating the key first
     * when the group has none (its record signed by {@code admin}, whose own record must verify).
     * Runs in {@code tx} with the group's key row locked. Fails with {@link RejectedKey} when the
     * existing key's record does not verify. The caller destroys the key it gets.
     */
    public Future<RecipientPrivateKey> unlock(
            Db tx, String groupId, RecipientPrivateKey team, AccountSigner admin) {
        return teamKeys.requireAdministrator(tx, admin)
                .compose(
                        verified ->
                                GroupKeyStore.lockCurrent(tx, groupId)
                                        .compose(
                                                found -> {
                                                    if (found.isPresent()) {
                                                        return open(found.get(), verified, team);
                                                    }
                                                    return create(tx, groupId, team, admin);
                                                }));
    }

    private Future<RecipientPrivateKey> open(
            GroupKeyRow row, KeyVerifier.Result verified, RecipientPrivateKey team) {
        if (!decide(row, verified)) {
            return Future.failedFuture(new RejectedKey(row.groupId()));
        }
        if (!row.teamKeyId().equals(team.publicKey().keyId())) {
            return Future.failedFuture(
                    new GeneralSecurityException("group key is sealed to another team key"));
        }
        try {
            return Future.succeededFuture(
                    GroupKeys.openWithTeamKey(row.sealed(), row.groupId(), row.keyId(), team));
        } catch (GeneralSecurityException e) {
            return Future.failedFuture(e);
        }
    }

    /** A new key for a group, sealed to {@code team}, its record signed by {@code admin}. */
    static GroupKeyRow newKey(
            String groupId, TeamSealedKeys.Created created, String teamKeyId, AccountSigner admin) {
        RecipientPublicKey pub = created.pair().publicKey();
        byte[] record = KeyRecords.group(groupId, pub.keyId(), pub.toBytes(), admin.name());
        return new GroupKeyRow(
                groupId,
                pub.keyId(),
                pub.toBytes(),
                teamKeyId,
                created.sealedToTeam(),
                admin.name(),
                admin.sign(record));
    }

    private Future<RecipientPrivateKey> create(
            Db tx, String groupId, RecipientPrivateKey team, AccountSigner admin) {
        TeamSealedKeys.Created created;
        try {
            created = GroupKeys.create(groupId, team.publicKey());
        } catch (GeneralSecurityException e) {
            return Future.failedFuture(e);
        }
        RecipientPrivateKey key = created.pair().privateKey();
        GroupKeyRow row = newKey(groupId, created, team.publicKey().keyId(), admin);
        return GroupKeyStore.insert(tx, row)
                .onFailure(err -> key.destroy())
                .map(
                        v -> {
                            LOG.info(
                                    "event=group_key_created group={} key={}",
                                    groupId,
                                    row.keyId());
                            return key;
                        });
    }

    /** Grants group {@code groupId}'s key (created first if it has none) to one coordinator. */
    public Future<Void> grant(
            Db tx,
            String groupId,
            long accountId,
            RecipientPublicKey accountKey,
            RecipientPrivateKey team,
            AccountSigner admin) {
        return unlock(tx, groupId, team, admin)
                .compose(
                        key -> {
                            try {
                                return GroupKeyStore.insertGrants(
                                        tx,
                                        List.of(
                                                memberGrant(
                                                        key,
                                                        groupId,
                                                        accountId,
                                                        accountKey,
                                                        admin)));
                            } catch (GeneralSecurityException e) {
                                return Future.failedFuture(e);
                            } finally {
                                key.destroy();
                            }
                        });
    }

    /**
     * Group {@code groupId}'s key {@code key} granted to one coordinator, sealed to their personal
     * key, with {@code admin}'s signature over the membership ({@link KeyRecords#groupMember}).
     */
    static GroupKeyStore.MemberGrant memberGrant(
            RecipientPrivateKey key,
            String groupId,
            long accountId,
            RecipientPublicKey accountKey,
            AccountSigner admin)
            throws GeneralSecurityException {
        String keyId = key.publicKey().keyId();
        byte[] record =
                KeyRecords.groupMember(
                        groupId, keyId, accountId, accountKey.toBytes(), admin.name());
        return new GroupKeyStore.MemberGrant(
                accountId,
                keyId,
                GroupKeys.grant(key, groupId, accountId, accountKey),
                admin.name(),
                admin.sign(record));
    }

    /**
     * Which of these grants of current group keys stand for a membership an administrator signed
     * ({@link #memberVerified}), as {@code "<account id>/<group id>"}: the Team page marks a listed
     * membership that is not among them.
     */
    public static Set<String> signedMemberships(
            List<GroupKeyStore.HeldGrant> grants, KeyVerifier.Result verified) {
        Set<String> out = new HashSet<>();
        if (verified == null) {
            return out;
        }
        for (GroupKeyStore.HeldGrant h : grants) {
            if (memberVerified(h.groupId(), h.grant(), verified)) {
                out.add(h.grant().accountId() + "/" + h.groupId());
            }
        }
        return out;
    }

    /**
     * Whether a grant of group {@code groupId}'s key stands for a membership an administrator
     * signed: the account's record verified (an enabled coordinator), and the grant's membership
     * record, naming that account's personal key and this key id, signed by a verified
     * administrator. What a rotation renews: a row in {@code account_groups} alone is not enough.
     */
    static boolean memberVerified(
            String groupId, GroupKeyStore.MemberGrant g, KeyVerifier.Result verified) {
        Optional<KeyRecordStore.AccountKeyRow> account = verified.account(g.accountId());
        if (account.isEmpty()
                || account.get().disabled()
                || !"coordinator".equals(account.get().role())
                || g.signature() == null) {
            return false;
        }
        Long signer = accountSigner(g.signer());
        SignatureKey key = signer == null ? null : verified.adminKeys().get(signer);
        if (key == null) {
            return false;
        }
        try {
            key.verify(
                    KeyRecords.groupMember(
                            groupId,
                            g.keyId(),
                            g.accountId(),
                            account.get().publicKey(),
                            g.signer()),
                    g.signature());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /**
     * Makes sure each of {@code groups} has a key, and seals to it the entries of the group's cases
     * that are sealed to the team key {@code team} but not yet to the group's key (cases from
     * before group keys, or sealed while the group had none): the upgrade path. Completes with how
     * many entry keys it added.
     */
    public Future<Integer> prepare(
            Db tx, List<String> groups, RecipientPrivateKey team, AccountSigner admin) {
        Future<Integer> chain = Future.succeededFuture(0);
        for (String g : groups) {
            chain = chain.compose(n -> catchUp(tx, g, team, admin).map(m -> n + m));
        }
        return chain;
    }

    private Future<Integer> catchUp(
            Db tx, String groupId, RecipientPrivateKey team, AccountSigner admin) {
        return unlock(tx, groupId, team, admin)
                .compose(
                        key -> {
                            RecipientPublicKey pub = key.publicKey();
                            key.destroy();
                            return GroupKeyStore.missingGroupWraps(
                                            tx, team.publicKey().keyId(), groupId, pub.keyId())
                                    .compose(
                                            wrapped -> {
                                                List<EntryKeyStore.EntryKey> rows;
                                                try {
                                                    rows = EntryKeys.rewrap(wrapped, team, pub);
                                                } catch (GeneralSecurityException e) {
                                                    return Future.failedFuture(e);
                                                }
                                                if (!rows.isEmpty()) {
                                                    LOG.info(
                                                            "event=group_entries_sealed group={} entries={}",
                                                            groupId,
                                                            rows.size());
                                                }
                                                return GroupKeyStore.insertEntryKeys(tx, rows)
                                                        .map(rows.size());
                                            });
                        });
    }

    /**
     * The upgrade of coordinators from before group keys, who hold the team key {@code team}: each
     * (whose key record verifies) is granted the keys of its working groups and of the intake
     * group, each group key first created and sealed to the entries of the group's cases that only
     * the team key opened. Run just before a team key rotation, which then grants the new team key
     * to administrators only: from then on those coordinators' passphrases open their groups' cases
     * only. Completes with the number of coordinators moved.
     *
     * <p>Only when {@code team} is a key from before group keys: one made since is granted to
     * administrators only (its signed record or pin says so, {@link
     * KeyVerifier.Result#administratorsOnly}), so a grant of it held by anyone else was planted by
     * someone who can write the database. Then nobody is moved, and each such holder is refused:
     * logged and audited ({@code team_grant_refused:<account id>}) in {@code tx}.
     */
    public Future<Integer> moveCoordinatorsOffTeamKey(
            Db tx, AccountStore accounts, RecipientPrivateKey team, AccountSigner admin) {
        return teamKeys.requireAdministrator(tx, admin)
                .compose(
                        verified ->
                                accounts.holdersOf(tx, team.publicKey().keyId())
                                        .compose(
                                                held ->
                                                        verified.administratorsOnly()
                                                                ? refuse(tx, verified, held)
                                                                : move(
                                                                        tx, verified, held, team,
                                                                        admin)));
    }

    private Future<Integer> move(
            Db tx,
            KeyVerifier.Result verified,
            Set<Long> held,
            RecipientPrivateKey team,
            AccountSigner admin) {
        Future<Integer> chain = Future.succeededFuture(0);
        for (Long id : held) {
            Optional<KeyRecordStore.AccountKeyRow> a = verified.account(id);
            if (a.isEmpty() || a.get().disabled() || !"coordinator".equals(a.get().role())) {
                continue;
            }
            chain = chain.compose(n -> moveOne(tx, a.get(), team, admin).map(n + 1));
        }
        return chain;
    }

    /**
     * Refuses every holder of an administrators-only team key who is not an enabled administrator
     * whose record verified; moves nobody (completes with 0).
     */
    private Future<Integer> refuse(Db tx, KeyVerifier.Result verified, Set<Long> held) {
        Future<Void> chain = Future.succeededFuture();
        for (Long id : held.stream().sorted().toList()) {
            Optional<KeyRecordStore.AccountKeyRow> a = verified.account(id);
            if (a.isPresent() && !a.get().disabled() && "admin".equals(a.get().role())) {
                continue;
            }
            chain = chain.compose(v -> teamKeys.refuseTeamGrant(tx, id));
        }
        return chain.map(0);
    }

    private Future<Void> moveOne(
            Db tx, KeyRecordStore.AccountKeyRow a, RecipientPrivateKey team, AccountSigner admin) {
        RecipientPublicKey personal;
        try {
            personal = RecipientPublicKey.fromBytes(a.publicKey());
        } catch (GeneralSecurityException e) {
            return Future.failedFuture(e);
        }
        return GroupKeyStore.groupsOf(tx, a.id())
                .compose(
                        groups -> {
                            List<String> all = new ArrayList<>(groups);
                            all.add(GroupKeyStore.INTAKE);
                            all.add(GroupKeyStore.EXPORT);
                            Future<Void> chain = prepare(tx, all, team, admin).mapEmpty();
                            for (String g : all) {
                                chain =
                                        chain.compose(
                                                v -> grant(tx, g, a.id(), personal, team, admin));
                            }
                            return chain.onSuccess(
                                    v ->
                                            LOG.info(
                                                    "event=coordinator_moved_to_group_keys account={} groups={}",
                                                    a.id(),
                                                    all.size()));
                        });
    }

    /** The accounts among {@code ids} whose key records verified, with their public keys. */
    static List<KeyRecordStore.AccountKeyRow> verifiedAccounts(
            KeyVerifier.Result verified, List<Long> ids) {
        List<KeyRecordStore.AccountKeyRow> out = new ArrayList<>();
        for (Long id : ids) {
            verified.account(id).filter(a -> !a.disabled()).ifPresent(out::add);
        }
        return out;
    }

    private static Long accountSigner(String signer) {
        if (signer == null || !signer.matches("account:[0-9]{1,18}")) {
            return null;
        }
        return Long.valueOf(signer.substring("account:".length()));
    }
}

package org.haven.gateway.cases;

import io.vertx.core.Future;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.haven.crypto.KeyedHash;
import org.haven.crypto.RecipientPrivateKey;
import org.haven.crypto.RecipientPublicKey;
import org.haven.gateway.keys.EntrySealing;
import org.haven.gateway.keys.GroupKeyring;
import org.haven.gateway.keys.TeamKeys;
import org.haven.gateway.store.AuditLog;
import org.haven.gateway.store.Db;
import org.haven.gateway.store.EntryKeyStore;
import org.haven.gateway.store.GroupKeyStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves a case to another working group: every entry's data key is opened with the mover's keys and
 * sealed to the new group's key, the old group's wraps are deleted (the old group's coordinators
 * can no longer open it), the case's group changes, and the move is audited ({@code
 * case_moved:<group>}), in one transaction. Only someone whose keys open every entry of the case
 * can move it: the move is cryptographic, not only a permission.
 */
public final class CaseMove {
    private static final Logger LOG = LoggerFactory.getLogger(CaseMove.class);

    /** The mover's keys do not open every entry of the case. */
    public static final class CannotOpen extends Exception {
        private static final long serialVersionUID = 1L;

        CannotOpen() {
            super("your keys do not open this case");
        }
    }

    /** The target group has no verified key yet (an administrator's action creates it). */
    public static final class NoGroupKey extends Exception {
        private static final long serialVersionUID = 1L;

        NoGroupKey(String group) {
            super("the working group " + group + " has no key yet");
        }
    }

    private final Db db;
    private final GroupKeyring groups;
    private final KeyedHash auditKey;

    public CaseMove(Db db, TeamKeys teamKeys, KeyedHash auditKey) {
        this.db = db;
        this.groups = new GroupKeyring(teamKeys);
        this.auditKey = auditKey;
    }

    /**
     * Moves case {@code caseId} to working group {@code to}, with the keys {@code held} in the
     * mover's session; audited with {@code actor}. Completes with false when there is no such case
     * or it is already in that group; fails with {@link CannotOpen} or {@link NoGroupKey}.
     */
    public Future<Boolean> move(
            UUID caseId, String to, Collection<RecipientPrivateKey> held, String actor) {
        return db.transaction(
                tx ->
                        GroupKeyStore.lockCaseGroup(tx, caseId)
                                .compose(
                                        found -> {
                                            if (found.isEmpty()
                                                    || found.get().map(to::equals).orElse(false)) {
                                                return Future.succeededFuture(false);
                                            }
                                            String from =
                                                    GroupKeyStore.keyGroup(
                                                            found.get().orElse(null));
                                            return groups.recipient(tx, to)
                                                    .compose(
                                                            next ->
                                                                    next.isEmpty()
                                                                            ? Future.failedFuture(
                                                                                    new NoGroupKey(
                                                                                            to))
                                                                            : reseal(
                                                                                    tx,
                                                                                    caseId,
                                                                                    from,
                                                                                    to,
                                                                                    next.get(),
                                                                                    held,
                                                                                    actor));
                                        }));
    }

    private Future<Boolean> reseal(
            Db tx,
            UUID caseId,
            String from,
            String to,
            RecipientPublicKey next,
            Collection<RecipientPrivateKey> held,
            String actor) {
        return GroupKeyStore.current(tx, from)
                .compose(
                        old ->
                                GroupKeyStore.caseEntryKeys(tx, caseId)
                                        .compose(
                                                wraps -> {
                                                    List<EntryKeyStore.EntryKey> rows;
                                                    try {
                                                        rows = rewrap(caseId, wraps, held, next);
                                                    } catch (GeneralSecurityException e) {
                                                        return Future.failedFuture(
                                                                new CannotOpen());
                                                    }
                                                    List<String> dropped =
                                                            old.map(k -> List.of(k.keyId()))
                                                                    .orElse(List.of());
                                                    return GroupKeyStore.deleteCaseEntryKeys(
                                                                    tx, caseId, dropped)
                                                            .compose(
                                                                    v ->
                                                                            GroupKeyStore
                                                                                    .insertEntryKeys(
                                                                                            tx,
                                                                                            rows))
                                                            .map(rows.size());
                                                }))
                .compose(
                        n ->
                                GroupKeyStore.setCaseGroup(tx, caseId, to)
                                        .compose(
                                                v ->
                                                        new AuditLog(tx, auditKey)
                                                                .record(
                                                                        actor,
                                                                        "case_moved:" + to,
                                                                        caseId))
                                        .map(
                                                v -> {
                                                    LOG.info(
                                                            "event=case_moved case={} to={} entries={}",
                                                            caseId,
                                                            to,
                                                            n);
                                                    return true;
                                                }));
    }

    /** Each entry's data key sealed to {@code next}, opened with whichever held key it has. */
    private static List<EntryKeyStore.EntryKey> rewrap(
            UUID caseId,
            List<GroupKeyStore.CaseEntryKey> wraps,
            Collection<RecipientPrivateKey> held,
            RecipientPublicKey next)
            throws GeneralSecurityException {
        Map<Integer, List<GroupKeyStore.CaseEntryKey>> bySeq = new LinkedHashMap<>();
        for (GroupKeyStore.CaseEntryKey w : wraps) {
            bySeq.computeIfAbsent(w.seq(), s -> new ArrayList<>()).add(w);
        }
        List<EntryKeyStore.EntryKey> out = new ArrayList<>(bySeq.size());
        for (Map.Entry<Integer, List<GroupKeyStore.CaseEntryKey>> e : bySeq.entrySet()) {
            Optional<byte[]> sealed = Optional.empty();
            for (GroupKeyStore.CaseEntryKey w : e.getValue()) {
                Optional<RecipientPrivateKey> key = heldKey(held, w.keyId());
                if (key.isPresent()) {
                    sealed =
                            Optional.of(
                                    EntrySealing.rewrap(
                                            caseId,
                                            w.seq(),
                                            w.kind(),
                                            w.sealedKey(),
                                            key.get(),
                                            next));
                    break;
                }
            }
            out.add(
                    new EntryKeyStore.EntryKey(
                            caseId,
                            e.getKey(),
                            next.keyId(),
                            sealed.orElseThrow(
                                    () -> new GeneralSecurityException("entry not held"))));
        }
        return out;
    }

    private static Optional<RecipientPrivateKey> heldKey(
            Collection<RecipientPrivateKey> held, String keyId) {
        return held.stream()
                .filter(k -> !k.isDestroyed() && k.publicKey().keyId().equals(keyId))
                .findFirst();
    }
}

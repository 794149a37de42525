package org.haven.gateway.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.haven.crypto.RecipientKeyPair;
import org.haven.crypto.Signer;
import org.haven.gateway.store.KeyRecordStore.AccountKeyRow;
import org.haven.gateway.store.KeyRecordStore.AgencyKeyRow;
import org.haven.gateway.store.KeyRecordStore.Snapshot;
import org.haven.gateway.store.KeyRecordStore.TeamKeyRow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The verification walk on key records as a database writer could leave them, with real keys and
 * signatures: what verifies, and that each kind of rewrite is rejected.
 */
@Timeout(30)
class KeyVerifierTest {
    private final RecipientKeyPair t0 = RecipientKeyPair.generate();
    private final RecipientKeyPair ada = RecipientKeyPair.generate();
    private final RecipientKeyPair cora = RecipientKeyPair.generate();
    private final TeamKeyRow root = teamRoot(t0);
    private final AccountKeyRow adaRow =
            account(
                    1,
                    "ada",
                    "admin",
                    null,
                    ada,
                    KeyRecords.teamSigner(root.keyId()),
                    Signer.derive(t0.privateKey()));
    private final AccountSigner adaSigner = AccountSigner.of(1, ada.privateKey());
    private final AccountKeyRow coraRow =
            account(
                    2,
                    "cora",
                    "coordinator",
                    null,
                    cora,
                    "account:1",
                    Signer.derive(ada.privateKey()));
    private final RecipientKeyPair next = RecipientKeyPair.generate();
    private final TeamKeyRow t1 = KeySigning.nextTeamKey(next, t0.privateKey(), adaSigner);
    private final TeamKeyPin pin = TeamKeyPin.of(root.publicKey(), root.signingKey());

    /**
     * Verifies that genuine records verify: the chain to the newest key, both accounts, the agency;
     * nothing rejected.
     */
    @Test
    void testGenuineRecordsVerify() {
        AgencyKeyRow clinic =
                agency(7, "123-4567", RecipientKeyPair.generate(), "account:1", adaSigner);
        KeyVerifier.Result r =
                new KeyVerifier()
                        .verify(
                                snapshot(
                                        List.of(retired(root), t1),
                                        List.of(adaRow, coraRow),
                                        List.of(clinic)),
                                pin);
        assertEquals(
                List.of(root.keyId(), t1.keyId()),
                r.chain().stream().map(TeamKeyRow::keyId).toList());
        assertEquals(Set.of(1L, 2L), r.accounts().keySet());
        assertTrue(r.agencyVerified(7));
        assertTrue(r.isAdministrator(1, adaSigner.signatureKey()));
        assertEquals(List.of(), r.rejected());
    }

    /**
     * Verifies that a database whose first key is not the pinned one verifies nothing and rejects
     * its keys.
     */
    @Test
    void testKeysNotChainingToThePinAreRejected() {
        TeamKeyPin other =
                TeamKeyPin.of(
                        RecipientKeyPair.generate().publicKey().toBytes(),
                        Signer.derive(RecipientKeyPair.generate().privateKey())
                                .signatureKey()
                                .toBytes());
        KeyVerifier.Result r =
                new KeyVerifier()
                        .verify(
                                snapshot(List.of(root), List.of(adaRow, coraRow), List.of()),
                                other);
        assertTrue(r.head().isEmpty());
        assertEquals(Set.of("team:" + root.keyId()), kinds(r));
    }

    /**
     * Verifies that a coordinator's record rewritten to the administrator role no longer verifies,
     * and makes no administrator.
     */
    @Test
    void testRoleRewriteIsRejected() {
        AccountKeyRow promoted =
                new AccountKeyRow(
                        2,
                        "cora",
                        "admin",
                        null,
                        coraRow.publicKey(),
                        coraRow.signingKey(),
                        coraRow.signer(),
                        coraRow.signature(),
                        false);
        KeyVerifier.Result r =
                new KeyVerifier()
                        .verify(snapshot(List.of(root), List.of(adaRow, promoted), List.of()), pin);
        assertFalse(r.accounts().containsKey(2L));
        assertFalse(r.adminKeys().containsKey(2L));
        assertEquals(Set.of("account:2"), kinds(r));
    }

    /**
     * Verifies that two agencies' referral codes swapped in the database make both keys unusable.
     */
    @Test
    void testReferralCodeSwapIsRejected() {
        AgencyKeyRow a = agency(7, "111-1111", RecipientKeyPair.generate(), "account:1", adaSigner);
        AgencyKeyRow b = agency(8, "222-2222", RecipientKeyPair.generate(), "account:1", adaSigner);
        AgencyKeyRow aSwapped =
                new AgencyKeyRow(
                        7, b.referralCode(), a.keyId(), a.publicKey(), a.signer(), a.signature());
        AgencyKeyRow bSwapped =
                new AgencyKeyRow(
                        8, a.referralCode(), b.keyId(), b.publicKey(), b.signer(), b.signature());
        KeyVerifier verifier = new KeyVerifier();
        KeyVerifier.Result r =
                verifier.verify(
                        snapshot(List.of(root), List.of(adaRow), List.of(aSwapped, bSwapped)), pin);
        assertEquals(Set.of("agency:7", "agency:8"), kinds(r));
        assertEquals(KeyVerifier.AgencyCheck.REJECTED, verifier.agency(aSwapped, r));
        assertEquals(KeyVerifier.AgencyCheck.VERIFIED, verifier.agency(a, r));
    }

    /**
     * Verifies who may sign what: a team key signs administrators only (not a coordinator), an
     * administrator cannot sign their own record, and a record naming an unknown signer is rejected
     * (the intake's check says the signer is unknown, so it loads again before deciding).
     */
    @Test
    void testSignersAreRestricted() {
        AccountKeyRow coordinatorByTeam =
                account(
                        3,
                        "tim",
                        "coordinator",
                        null,
                        RecipientKeyPair.generate(),
                        KeyRecords.teamSigner(root.keyId()),
                        Signer.derive(t0.privateKey()));
        RecipientKeyPair bob = RecipientKeyPair.generate();
        AccountKeyRow selfSigned =
                account(4, "bob", "admin", null, bob, "account:4", Signer.derive(bob.privateKey()));
        AgencyKeyRow byStranger =
                agency(
                        9,
                        "333-3333",
                        RecipientKeyPair.generate(),
                        "account:99",
                        AccountSigner.of(99, bob.privateKey()));
        KeyVerifier verifier = new KeyVerifier();
        KeyVerifier.Result r =
                verifier.verify(
                        snapshot(
                                List.of(root),
                                List.of(adaRow, coordinatorByTeam, selfSigned),
                                List.of(byStranger)),
                        pin);
        assertEquals(Set.of("account:3", "account:4", "agency:9"), kinds(r));
        assertEquals(KeyVerifier.AgencyCheck.UNKNOWN_SIGNER, verifier.agency(byStranger, r));
    }

    /**
     * Verifies the team chain's rules: a successor co-signed by a coordinator instead of an
     * administrator is rejected and not sealed to; two validly signed successors of one key (a
     * fork) are both rejected and the result says so.
     */
    @Test
    void testTeamChainRules() {
        AccountSigner coraSigner = AccountSigner.of(2, cora.privateKey());
        AccountKeyRow coraWithSigningKey =
                account(
                        2,
                        "cora",
                        "coordinator",
                        null,
                        cora,
                        "account:1",
                        Signer.derive(ada.privateKey()));
        TeamKeyRow byCoordinator =
                KeySigning.nextTeamKey(RecipientKeyPair.generate(), t0.privateKey(), coraSigner);
        KeyVerifier.Result r =
                new KeyVerifier()
                        .verify(
                                snapshot(
                                        List.of(root, byCoordinator),
                                        List.of(adaRow, coraWithSigningKey),
                                        List.of()),
                                pin);
        assertEquals(List.of(root.keyId()), r.chain().stream().map(TeamKeyRow::keyId).toList());
        assertEquals(Set.of("team:" + byCoordinator.keyId()), kinds(r));

        TeamKeyRow twin =
                KeySigning.nextTeamKey(RecipientKeyPair.generate(), t0.privateKey(), adaSigner);
        KeyVerifier.Result forked =
                new KeyVerifier()
                        .verify(snapshot(List.of(root, t1, twin), List.of(adaRow), List.of()), pin);
        assertTrue(forked.forked());
        assertEquals(
                List.of(root.keyId()), forked.chain().stream().map(TeamKeyRow::keyId).toList());
        assertEquals(Set.of("team:" + t1.keyId(), "team:" + twin.keyId()), kinds(forked));
    }

    /**
     * Verifies that under an upgrade pin only the pinned key is used and unsigned records wait, not
     * rejected.
     */
    @Test
    void testUpgradePinWaitsForSignatures() {
        TeamKeyRow legacyRoot =
                new TeamKeyRow(root.keyId(), root.publicKey(), null, null, null, null, null, false);
        AccountKeyRow unsigned =
                new AccountKeyRow(
                        1,
                        "ada",
                        "admin",
                        null,
                        ada.publicKey().toBytes(),
                        null,
                        null,
                        null,
                        false);
        KeyVerifier.Result r =
                new KeyVerifier()
                        .verify(
                                snapshot(List.of(legacyRoot), List.of(unsigned), List.of()),
                                TeamKeyPin.legacy(root.publicKey()));
        assertTrue(r.legacy());
        assertEquals(List.of(root.keyId()), r.chain().stream().map(TeamKeyRow::keyId).toList());
        assertEquals(List.of(), r.rejected());
        assertEquals(1, r.pending());
    }

    /**
     * Verifies that an administrators-only chain verifies and says so: a first key pinned {@code
     * hvpin2-} alone, and with its successor (signed {@code haven/team-key/v2}, as every rotation
     * signs now); a first key pinned {@code hvpin1-} (set up before group keys) is not, until its
     * first rotation, whose successor is.
     */
    @Test
    void testAdministratorsOnlyChainVerifies() {
        TeamKeyPin v2 = TeamKeyPin.administratorsOnly(root.publicKey(), root.signingKey());
        KeyVerifier.Result first =
                new KeyVerifier().verify(snapshot(List.of(root), List.of(adaRow), List.of()), v2);
        assertTrue(first.administratorsOnly());
        assertEquals(List.of(), first.rejected());

        KeyVerifier.Result rotated =
                new KeyVerifier()
                        .verify(
                                snapshot(List.of(retired(root), t1), List.of(adaRow), List.of()),
                                v2);
        assertEquals(
                List.of(root.keyId(), t1.keyId()),
                rotated.chain().stream().map(TeamKeyRow::keyId).toList());
        assertTrue(rotated.administratorsOnly());
        assertEquals(List.of(), rotated.rejected());

        assertFalse(
                new KeyVerifier()
                        .verify(snapshot(List.of(root), List.of(adaRow), List.of()), pin)
                        .administratorsOnly());
        KeyVerifier.Result upgraded =
                new KeyVerifier()
                        .verify(
                                snapshot(List.of(retired(root), t1), List.of(adaRow), List.of()),
                                pin);
        assertEquals(t1.keyId(), upgraded.head().orElseThrow().keyId());
        assertTrue(upgraded.administratorsOnly());
    }

    /**
     * Verifies that a key made administrators only never has a successor that is not: a successor
     * validly signed (by the key before it and an administrator) but as {@code haven/team-key/v1}
     * is rejected after an {@code hvpin2-} first key and after a {@code haven/team-key/v2} key,
     * like any bad record, while the same after an {@code hvpin1-} first key (an installation from
     * before group keys, rotated before this change) still verifies.
     */
    @Test
    void testBeforeGroupKeysSuccessorOfAdministratorsOnlyKeyIsRejected() {
        TeamKeyRow legacy = legacySuccessor(next, t0, adaSigner);
        KeyVerifier.Result afterPin =
                new KeyVerifier()
                        .verify(
                                snapshot(List.of(root, legacy), List.of(adaRow), List.of()),
                                TeamKeyPin.administratorsOnly(root.publicKey(), root.signingKey()));
        assertEquals(
                List.of(root.keyId()), afterPin.chain().stream().map(TeamKeyRow::keyId).toList());
        assertTrue(afterPin.administratorsOnly());
        assertEquals(Set.of("team:" + legacy.keyId()), kinds(afterPin));

        TeamKeyRow after = legacySuccessor(RecipientKeyPair.generate(), next, adaSigner);
        KeyVerifier.Result afterV2 =
                new KeyVerifier()
                        .verify(
                                snapshot(
                                        List.of(retired(root), retired(t1), after),
                                        List.of(adaRow),
                                        List.of()),
                                pin);
        assertEquals(
                List.of(root.keyId(), t1.keyId()),
                afterV2.chain().stream().map(TeamKeyRow::keyId).toList());
        assertTrue(afterV2.administratorsOnly());
        assertEquals(Set.of("team:" + after.keyId()), kinds(afterV2));

        KeyVerifier.Result beforeGroupKeys =
                new KeyVerifier()
                        .verify(
                                snapshot(
                                        List.of(retired(root), legacy), List.of(adaRow), List.of()),
                                pin);
        assertEquals(legacy.keyId(), beforeGroupKeys.head().orElseThrow().keyId());
        assertFalse(beforeGroupKeys.administratorsOnly());
        assertEquals(List.of(), beforeGroupKeys.rejected());
    }

    /**
     * A successor of {@code previous} signed as Haven signed team keys before working-group keys
     * ({@code haven/team-key/v1}), by it and {@code admin}.
     */
    private static TeamKeyRow legacySuccessor(
            RecipientKeyPair key, RecipientKeyPair previous, AccountSigner admin) {
        byte[] signing = KeySigning.signingKeyOf(key.privateKey()).toBytes();
        String previousId = previous.publicKey().keyId();
        byte[] record =
                KeyRecords.legacyTeam(
                        key.publicKey().keyId(),
                        key.publicKey().toBytes(),
                        signing,
                        previousId,
                        admin.name());
        return new TeamKeyRow(
                key.publicKey().keyId(),
                key.publicKey().toBytes(),
                signing,
                previousId,
                admin.accountId(),
                Signer.derive(previous.privateKey()).sign(record),
                admin.sign(record),
                false);
    }

    private static Set<String> kinds(KeyVerifier.Result r) {
        return r.rejected().stream()
                .map(x -> x.kind() + ":" + x.id())
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static Snapshot snapshot(
            List<TeamKeyRow> team, List<AccountKeyRow> accounts, List<AgencyKeyRow> agencies) {
        return new Snapshot(new ArrayList<>(team), accounts, agencies);
    }

    private static TeamKeyRow teamRoot(RecipientKeyPair pair) {
        return new TeamKeyRow(
                pair.publicKey().keyId(),
                pair.publicKey().toBytes(),
                KeySigning.signingKeyOf(pair.privateKey()).toBytes(),
                null,
                null,
                null,
                null,
                false);
    }

    private static TeamKeyRow retired(TeamKeyRow t) {
        return new TeamKeyRow(
                t.keyId(),
                t.publicKey(),
                t.signingKey(),
                t.previousKeyId(),
                t.signedBy(),
                t.previousSignature(),
                t.adminSignature(),
                true);
    }

    private static AccountKeyRow account(
            long id,
            String username,
            String role,
            Long agencyId,
            RecipientKeyPair personal,
            String signer,
            Signer by) {
        byte[] signing = KeySigning.signingKeyOf(personal.privateKey()).toBytes();
        byte[] record =
                KeyRecords.account(
                        id,
                        username,
                        role,
                        agencyId,
                        personal.publicKey().toBytes(),
                        signing,
                        signer);
        return new AccountKeyRow(
                id,
                username,
                role,
                agencyId,
                personal.publicKey().toBytes(),
                signing,
                signer,
                by.sign(record),
                false);
    }

    private static AgencyKeyRow agency(
            long id, String code, RecipientKeyPair key, String signer, AccountSigner by) {
        byte[] record =
                KeyRecords.agency(
                        id, code, key.publicKey().keyId(), key.publicKey().toBytes(), signer);
        return new AgencyKeyRow(
                id,
                code,
                key.publicKey().keyId(),
                key.publicKey().toBytes(),
                signer,
                by.sign(record));
    }
}

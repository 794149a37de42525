package org.haven.gateway.keys;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.UUID;
import org.haven.crypto.RecipientKeyPair;
import org.haven.crypto.RecipientPrivateKey;
import org.junit.jupiter.api.Test;

/**
 * Agency keys at rest: sealed to the team key, granted to a worker, and what each binding refuses.
 */
class AgencyKeysTest {
    private final RecipientKeyPair team = RecipientKeyPair.generate();
    private final RecipientKeyPair worker = RecipientKeyPair.generate();

    /**
     * Verifies that the team-sealed copy opens with the team key to the same agency key, and a
     * worker's grant too.
     */
    @Test
    void testTeamCopyAndGrantRoundTrip() throws Exception {
        TeamSealedKeys.Created created = AgencyKeys.create(7, team.publicKey());
        String keyId = created.pair().publicKey().keyId();
        RecipientPrivateKey fromTeam =
                AgencyKeys.openWithTeamKey(created.sealedToTeam(), 7, keyId, team.privateKey());
        assertEquals(keyId, fromTeam.publicKey().keyId());
        byte[] grant = AgencyKeys.grant(fromTeam, 7, 42, worker.publicKey());
        RecipientPrivateKey fromGrant =
                AgencyKeys.openGrant(grant, keyId, 7, 42, worker.privateKey());
        assertEquals(keyId, fromGrant.publicKey().keyId());
    }

    /**
     * Verifies that an entry sealed to the team and an agency opens with either key and not with
     * another agency's.
     */
    @Test
    void testEntrySealedToTeamAndAgency() throws Exception {
        RecipientKeyPair agencyA = RecipientKeyPair.generate();
        RecipientKeyPair agencyB = RecipientKeyPair.generate();
        UUID caseId = UUID.randomUUID();
        byte[] plain = "{\"answers\":[]}".getBytes(StandardCharsets.UTF_8);
        EntrySealing.Sealed sealed =
                EntrySealing.seal(
                        caseId,
                        1,
                        "answers",
                        plain,
                        List.of(team.publicKey(), agencyA.publicKey()));
        assertEquals(2, sealed.sealedKeys().size());
        assertArrayEquals(
                plain,
                EntrySealing.open(
                        caseId,
                        1,
                        "answers",
                        sealed.ciphertext(),
                        sealed.sealedKeys(),
                        team.privateKey()));
        assertArrayEquals(
                plain,
                EntrySealing.open(
                        caseId,
                        1,
                        "answers",
                        sealed.ciphertext(),
                        sealed.sealedKeys(),
                        agencyA.privateKey()));
        assertThrows(
                GeneralSecurityException.class,
                () ->
                        EntrySealing.open(
                                caseId,
                                1,
                                "answers",
                                sealed.ciphertext(),
                                sealed.sealedKeys(),
                                agencyB.privateKey()));
    }

    /**
     * Verifies that the team-sealed copy does not open with another key, another agency id or
     * another key id.
     */
    @Test
    void testTeamCopyRefusesWrongKeyOrBinding() throws Exception {
        TeamSealedKeys.Created created = AgencyKeys.create(7, team.publicKey());
        String keyId = created.pair().publicKey().keyId();
        byte[] sealed = created.sealedToTeam();
        assertThrows(
                GeneralSecurityException.class,
                () ->
                        AgencyKeys.openWithTeamKey(
                                sealed, 7, keyId, RecipientKeyPair.generate().privateKey()));
        assertThrows(
                GeneralSecurityException.class,
                () -> AgencyKeys.openWithTeamKey(sealed, 8, keyId, team.privateKey()));
        assertThrows(
                GeneralSecurityException.class,
                () -> AgencyKeys.openWithTeamKey(sealed, 7, "0000000000000000", team.privateKey()));
        byte[] tampered = sealed.clone();
        tampered[tampered.length - 1] ^= 1;
        assertThrows(
                GeneralSecurityException.class,
                () -> AgencyKeys.openWithTeamKey(tampered, 7, keyId, team.privateKey()));
    }

    /**
     * Verifies that a worker's agency grant opens only for that worker and agency, and cannot be
     * passed off as a team-key grant (nor a team-key grant as an agency grant).
     */
    @Test
    void testGrantRefusesOtherAccountAgencyOrKind() throws Exception {
        TeamSealedKeys.Created created = AgencyKeys.create(7, team.publicKey());
        RecipientPrivateKey agency = created.pair().privateKey();
        String keyId = agency.publicKey().keyId();
        byte[] grant = AgencyKeys.grant(agency, 7, 42, worker.publicKey());
        assertThrows(
                GeneralSecurityException.class,
                () -> AgencyKeys.openGrant(grant, keyId, 7, 43, worker.privateKey()));
        assertThrows(
                GeneralSecurityException.class,
                () -> AgencyKeys.openGrant(grant, keyId, 8, 42, worker.privateKey()));
        assertThrows(
                GeneralSecurityException.class,
                () ->
                        AgencyKeys.openGrant(
                                grant, keyId, 7, 42, RecipientKeyPair.generate().privateKey()));
        assertThrows(
                GeneralSecurityException.class,
                () -> KeyGrants.open(grant, keyId, 42, worker.privateKey()));
        byte[] teamGrant = KeyGrants.grant(agency, keyId, 42, worker.publicKey());
        assertThrows(
                GeneralSecurityException.class,
                () -> AgencyKeys.openGrant(teamGrant, keyId, 7, 42, worker.privateKey()));
    }

    /**
     * Verifies that re-sealing to a new team key keeps the agency key and drops the old team key's
     * access.
     */
    @Test
    void testRewrapMovesCopyToNewTeamKey() throws Exception {
        TeamSealedKeys.Created created = AgencyKeys.create(7, team.publicKey());
        String keyId = created.pair().publicKey().keyId();
        RecipientKeyPair next = RecipientKeyPair.generate();
        byte[] moved =
                AgencyKeys.rewrap(
                        created.sealedToTeam(), 7, keyId, team.privateKey(), next.publicKey());
        assertEquals(
                keyId,
                AgencyKeys.openWithTeamKey(moved, 7, keyId, next.privateKey()).publicKey().keyId());
        assertThrows(
                GeneralSecurityException.class,
                () -> AgencyKeys.openWithTeamKey(moved, 7, keyId, team.privateKey()));
    }
}

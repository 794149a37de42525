package org.haven.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Locale;
import org.haven.crypto.internal.Bytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Sealing data keys to explicit recipients with HPKE. */
@Timeout(30)
class SealedDataKeyTest {
    private static final byte[] CASE = "case-7f3a".getBytes(StandardCharsets.UTF_8);
    private static final byte[] AD = FieldBinding.of("case-7f3a", "contact");
    private static final byte[] PLAIN = "+1 514 555 0100".getBytes(StandardCharsets.UTF_8);

    /** Verifies that a sealed data key opens for its recipient and decrypts the fields. */
    @Test
    void testSealOpenRoundTrip() throws Exception {
        RecipientKeyPair team = RecipientKeyPair.generate();
        DataKey key = DataKey.generate();
        byte[] field = key.encrypt(PLAIN, AD);
        byte[] sealed = key.sealTo(team.publicKey(), CASE);
        assertEquals(99, sealed.length);
        assertEquals(team.publicKey().keyId(), DataKey.sealedRecipientKeyId(sealed));
        DataKey opened = DataKey.openSealed(sealed, team.privateKey(), CASE);
        assertArrayEquals(PLAIN, opened.decrypt(field, AD));
    }

    /**
     * Verifies that the team and a consenting agency can open their copies while a third key pair,
     * not a recipient, cannot open either copy.
     */
    @Test
    void testThirdPartyWhoIsNotRecipientCannotOpen() throws Exception {
        RecipientKeyPair team = RecipientKeyPair.generate();
        RecipientKeyPair agency = RecipientKeyPair.generate();
        RecipientKeyPair outsider = RecipientKeyPair.generate();
        DataKey key = DataKey.generate();
        byte[] field = key.encrypt(PLAIN, AD);
        byte[] forTeam = key.sealTo(team.publicKey(), CASE);
        byte[] forAgency = key.sealTo(agency.publicKey(), CASE);
        assertArrayEquals(
                PLAIN, DataKey.openSealed(forTeam, team.privateKey(), CASE).decrypt(field, AD));
        assertArrayEquals(
                PLAIN, DataKey.openSealed(forAgency, agency.privateKey(), CASE).decrypt(field, AD));
        for (byte[] sealed : new byte[][] {forTeam, forAgency}) {
            assertThrows(
                    GeneralSecurityException.class,
                    () -> DataKey.openSealed(sealed, outsider.privateKey(), CASE));
        }
    }

    /**
     * Verifies that a key sealed to someone else fails at HPKE even when the recipient key id in
     * the header is rewritten to the opener's id.
     */
    @Test
    void testOpenFailsForWrongKeyWithForgedKeyId() throws Exception {
        RecipientKeyPair team = RecipientKeyPair.generate();
        RecipientKeyPair outsider = RecipientKeyPair.generate();
        byte[] sealed = DataKey.generate().sealTo(team.publicKey(), CASE);
        byte[] forged = sealed.clone();
        System.arraycopy(Bytes.unhex(outsider.publicKey().keyId()), 0, forged, 11, 8);
        assertThrows(
                GeneralSecurityException.class,
                () -> DataKey.openSealed(forged, outsider.privateKey(), CASE));
    }

    /** Verifies that a sealed key cannot be opened under another case's context. */
    @Test
    void testOpenFailsForWrongContext() throws Exception {
        RecipientKeyPair team = RecipientKeyPair.generate();
        byte[] sealed = DataKey.generate().sealTo(team.publicKey(), CASE);
        assertThrows(
                GeneralSecurityException.class,
                () ->
                        DataKey.openSealed(
                                sealed,
                                team.privateKey(),
                                "case-other".getBytes(StandardCharsets.UTF_8)));
    }

    /** Verifies that flipping any bit of header, enc, ciphertext or tag is detected. */
    @Test
    void testOpenFailsForEveryTamperedByte() throws Exception {
        RecipientKeyPair team = RecipientKeyPair.generate();
        byte[] sealed = DataKey.generate().sealTo(team.publicKey(), CASE);
        for (int i = 0; i < sealed.length; i++) {
            byte[] tampered = sealed.clone();
            tampered[i] ^= 0x01;
            assertThrows(
                    GeneralSecurityException.class,
                    () -> DataKey.openSealed(tampered, team.privateKey(), CASE),
                    "byte " + i);
        }
    }

    /** Verifies that truncated or extended sealed keys throw the checked exception. */
    @Test
    void testOpenFailsForTruncatedInput() throws Exception {
        RecipientKeyPair team = RecipientKeyPair.generate();
        byte[] sealed = DataKey.generate().sealTo(team.publicKey(), CASE);
        for (int n = 0; n < sealed.length; n++) {
            byte[] cut = Arrays.copyOf(sealed, n);
            assertThrows(
                    GeneralSecurityException.class,
                    () -> DataKey.openSealed(cut, team.privateKey(), CASE));
        }
        byte[] longer = Arrays.copyOf(sealed, sealed.length + 1);
        assertThrows(
                GeneralSecurityException.class,
                () -> DataKey.openSealed(longer, team.privateKey(), CASE));
        assertThrows(
                GeneralSecurityException.class,
                () -> DataKey.openSealed(null, team.privateKey(), CASE));
    }

    /**
     * Verifies that rotating the team key re-wraps the data key while the field ciphertexts stay
     * byte-for-byte unchanged.
     */
    @Test
    void testRotateTeamKeyRewrapsWithoutReencrypting() throws Exception {
        RecipientKeyPair oldTeam = RecipientKeyPair.generate();
        RecipientKeyPair newTeam = RecipientKeyPair.generate();
        DataKey key = DataKey.generate();
        byte[] field = key.encrypt(PLAIN, AD);
        byte[] sealedOld = key.sealTo(oldTeam.publicKey(), CASE);
        byte[] sealedNew =
                DataKey.openSealed(sealedOld, oldTeam.privateKey(), CASE)
                        .sealTo(newTeam.publicKey(), CASE);
        assertArrayEquals(
                PLAIN,
                DataKey.openSealed(sealedNew, newTeam.privateKey(), CASE).decrypt(field, AD));
    }

    /** Verifies that low-order X25519 points are refused as recipients. */
    @Test
    void testPublicKeyFromBytesFailsForLowOrderPoint() {
        assertThrows(
                GeneralSecurityException.class, () -> RecipientPublicKey.fromBytes(new byte[32]));
        byte[] one = new byte[32];
        one[0] = 1;
        assertThrows(GeneralSecurityException.class, () -> RecipientPublicKey.fromBytes(one));
        assertThrows(
                GeneralSecurityException.class, () -> RecipientPublicKey.fromBytes(new byte[31]));
    }

    /** Verifies that key encodings round-trip, key ids are 16 hex digits, and destroy works. */
    @Test
    void testRecipientKeyEncodingAndDestroy() throws Exception {
        RecipientKeyPair pair = RecipientKeyPair.generate();
        RecipientPublicKey pub = RecipientPublicKey.fromBytes(pair.publicKey().toBytes());
        assertEquals(pair.publicKey(), pub);
        assertEquals(16, pub.keyId().length());
        assertEquals(pub.keyId(), pub.keyId().toLowerCase(Locale.ROOT));
        RecipientPrivateKey priv =
                RecipientPrivateKey.fromBytes(
                        pair.privateKey().toBytes(SecretKeyAccess.INSECURE),
                        SecretKeyAccess.INSECURE);
        assertEquals(pub, priv.publicKey());
        byte[] sealed = DataKey.generate().sealTo(pub, CASE);
        priv.destroy();
        assertThrows(IllegalStateException.class, () -> DataKey.openSealed(sealed, priv, CASE));
        assertThrows(IllegalStateException.class, () -> priv.toBytes(SecretKeyAccess.INSECURE));
    }
}

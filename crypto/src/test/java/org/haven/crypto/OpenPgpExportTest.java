package org.haven.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.bouncycastle.bcpg.sig.IntendedRecipientFingerprint;
import org.bouncycastle.openpgp.PGPEncryptedDataList;
import org.bouncycastle.openpgp.PGPLiteralData;
import org.bouncycastle.openpgp.PGPOnePassSignatureList;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPPublicKeyEncryptedData;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.bc.BcPGPObjectFactory;
import org.bouncycastle.openpgp.operator.bc.BcKeyFingerprintCalculator;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentVerifierBuilderProvider;
import org.bouncycastle.openpgp.operator.bc.BcPublicKeyDataDecryptorFactory;
import org.haven.crypto.OpenPgpKeyException.Reason;
import org.junit.jupiter.api.Test;

/**
 * Reading and checking recipient keys, and the signed, encrypted export, with Bouncy Castle as the
 * reader; {@link OpenPgpGpgTest} decrypts and verifies with gpg. The keys were made with gpg
 * ({@code src/test/resources/openpgp/make-fixtures.sh}); {@code fixtures.txt} holds gpg's own
 * fingerprints of them.
 */
class OpenPgpExportTest {
    static String resource(String name) throws IOException {
        try (InputStream in = OpenPgpExportTest.class.getResourceAsStream("/openpgp/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    /** gpg's fingerprints of each fixture key: name to {primary, encryption subkey or ""}. */
    static Map<String, String[]> gpgFingerprints() throws IOException {
        Map<String, String[]> out = new HashMap<>();
        for (String line : resource("fixtures.txt").split("\n")) {
            if (!line.startsWith("#") && !line.isBlank()) {
                String[] f = line.strip().split(" ");
                out.put(f[0], new String[] {f[1], f.length > 2 ? f[2] : ""});
            }
        }
        return out;
    }

    static RecipientPrivateKey teamKey(int fill) throws Exception {
        byte[] scalar = new byte[32];
        Arrays.fill(scalar, (byte) fill);
        return RecipientPrivateKey.fromBytes(scalar, SecretKeyAccess.INSECURE);
    }

    /** Verifies that the lawyer's key reads as gpg lists it: fingerprints, user id, algorithms. */
    @Test
    void testParseReadsKeyAsGpgLists() throws Exception {
        OpenPgpRecipient lawyer = OpenPgpRecipient.parse(resource("lawyer-public.asc"));
        String[] gpg = gpgFingerprints().get("lawyer");
        assertEquals(gpg[0], lawyer.fingerprint());
        assertEquals(gpg[1], lawyer.encryptionFingerprint());
        assertEquals(List.of("Haven Fixture Lawyer <lawyer@example.org>"), lawyer.userIds());
        assertEquals("ed25519", lawyer.algorithm());
        assertEquals("cv25519", lawyer.encryptionAlgorithm());
        assertTrue(lawyer.created().isBefore(Instant.now()));
    }

    /** Verifies that a fingerprint is grouped as gpg prints it. */
    @Test
    void testGroupedMatchesGpgLayout() {
        assertEquals(
                "3EF9 EC47 0715 4A26 CCD2  4D4A 6DE7 1F67 A763 3764",
                OpenPgpRecipient.grouped("3EF9EC4707154A26CCD24D4A6DE71F67A7633764"));
    }

    /**
     * Verifies that every key that cannot be safely encrypted to is refused, each with its reason:
     * garbage, a damaged key, several keys, a secret key, sign-only, an expired primary (whose
     * encryption subkey has no expiry of its own), an expired encryption subkey, a revoked key, a
     * revoked encryption subkey, RSA 1024.
     */
    @Test
    void testParseRefusesUnusableKeys() throws Exception {
        String lawyer = resource("lawyer-public.asc");
        record Case(String label, String key, Reason reason, Optional<Instant> at) {}
        for (Case c :
                List.of(
                        new Case("empty", "", Reason.NOT_A_KEY, Optional.empty()),
                        new Case("text", "not a key", Reason.NOT_A_KEY, Optional.empty()),
                        new Case(
                                "damaged",
                                lawyer.substring(0, 200) + "\n-----END PGP PUBLIC KEY BLOCK-----\n",
                                Reason.NOT_A_KEY,
                                Optional.empty()),
                        new Case(
                                "two blocks",
                                lawyer + resource("sign-only-public.asc"),
                                Reason.SEVERAL_KEYS,
                                Optional.empty()),
                        new Case(
                                "two keys in one block",
                                resource("two-keys-public.asc"),
                                Reason.SEVERAL_KEYS,
                                Optional.empty()),
                        new Case(
                                "secret key",
                                resource("lawyer-secret.asc"),
                                Reason.SECRET_KEY,
                                Optional.empty()),
                        new Case(
                                "sign-only",
                                resource("sign-only-public.asc"),
                                Reason.NO_ENCRYPTION_KEY,
                                Optional.empty()),
                        new Case(
                                "expired primary",
                                resource("expired-primary-public.asc"),
                                Reason.EXPIRED,
                                Optional.of(Instant.parse("2020-12-31T00:00:00Z"))),
                        new Case(
                                "expired subkey",
                                resource("expired-subkey-public.asc"),
                                Reason.ENCRYPTION_KEY_EXPIRED,
                                Optional.of(Instant.parse("2020-12-31T00:00:00Z"))),
                        new Case("revoked", resource("revoked-public.asc"), Reason.REVOKED, null),
                        new Case(
                                "revoked subkey",
                                resource("revoked-subkey-public.asc"),
                                Reason.ENCRYPTION_KEY_REVOKED,
                                null),
                        new Case(
                                "weak",
                                resource("weak-public.asc"),
                                Reason.WEAK,
                                Optional.empty()))) {
            OpenPgpKeyException e =
                    assertThrows(
                            OpenPgpKeyException.class,
                            () -> OpenPgpRecipient.parse(c.key()),
                            c.label());
            assertEquals(c.reason(), e.reason(), c.label());
            if (c.at() != null) {
                assertEquals(c.at(), e.at(), c.label());
            } else {
                assertTrue(e.at().isPresent(), c.label() + ": no revocation date");
            }
        }
    }

    /**
     * Verifies that an export has one session key packet, for the lawyer's encryption subkey, and
     * inside it a one-pass signature, the file and a signature that verifies with the signing key,
     * naming the lawyer's key as intended recipient; the lawyer's secret key opens it (Bouncy
     * Castle as the reader).
     */
    @Test
    void testExportIsSignedThenEncryptedToSubkey() throws Exception {
        OpenPgpRecipient lawyer = OpenPgpRecipient.parse(resource("lawyer-public.asc"));
        OpenPgpSigningKey signer = OpenPgpSigningKey.derive(teamKey(7), "Haven test exports");
        byte[] file =
                "Case HV-1\nTriage: Likely within the mandate\né ✓\n"
                        .getBytes(StandardCharsets.UTF_8);
        String armored = OpenPgpExport.encrypt(file, "case-HV-1.txt", lawyer, signer);
        assertTrue(armored.startsWith("-----BEGIN PGP MESSAGE-----"), armored);
        assertTrue(armored.strip().endsWith("-----END PGP MESSAGE-----"));

        PGPSecretKeyRing secret =
                new PGPSecretKeyRing(
                        PGPUtil.getDecoderStream(
                                new ByteArrayInputStream(
                                        resource("lawyer-secret.asc")
                                                .getBytes(StandardCharsets.US_ASCII))),
                        new BcKeyFingerprintCalculator());
        PGPPublicKeyRing signing =
                new PGPPublicKeyRing(
                        PGPUtil.getDecoderStream(
                                new ByteArrayInputStream(
                                        signer.armoredPublicKey()
                                                .getBytes(StandardCharsets.US_ASCII))),
                        new BcKeyFingerprintCalculator());
        try (InputStream in =
                PGPUtil.getDecoderStream(
                        new ByteArrayInputStream(armored.getBytes(StandardCharsets.US_ASCII)))) {
            PGPEncryptedDataList list =
                    assertInstanceOf(
                            PGPEncryptedDataList.class, new BcPGPObjectFactory(in).nextObject());
            assertEquals(1, list.size());
            assertTrue(list.isIntegrityProtected());
            PGPPublicKeyEncryptedData data = (PGPPublicKeyEncryptedData) list.get(0);
            assertEquals(
                    lawyer.encryptionFingerprint(),
                    HexFormat.of()
                            .formatHex(
                                    secret.getSecretKey(data.getKeyIdentifier().getKeyId())
                                            .getPublicKey()
                                            .getFingerprint())
                            .toUpperCase(Locale.ROOT));
            PGPPrivateKey key =
                    secret.getSecretKey(data.getKeyIdentifier().getKeyId()).extractPrivateKey(null);
            BcPGPObjectFactory inner =
                    new BcPGPObjectFactory(
                            data.getDataStream(new BcPublicKeyDataDecryptorFactory(key)));
            PGPOnePassSignatureList onePass =
                    assertInstanceOf(PGPOnePassSignatureList.class, inner.nextObject());
            onePass.get(0).init(new BcPGPContentVerifierBuilderProvider(), signing.getPublicKey());
            PGPLiteralData literal = assertInstanceOf(PGPLiteralData.class, inner.nextObject());
            assertEquals("case-HV-1.txt", literal.getFileName());
            byte[] plain = literal.getDataStream().readAllBytes();
            assertArrayEquals(file, plain);
            onePass.get(0).update(plain);
            PGPSignature signature =
                    assertInstanceOf(PGPSignatureList.class, inner.nextObject()).get(0);
            assertTrue(onePass.get(0).verify(signature), "signature does not verify");
            assertTrue(data.verify(), "modification detection failed");
            IntendedRecipientFingerprint intended =
                    signature.getHashedSubPackets().getIntendedRecipientFingerprint();
            assertEquals(
                    lawyer.fingerprint(),
                    HexFormat.of().formatHex(intended.getFingerprint()).toUpperCase(Locale.ROOT));
        }
    }

    /** Verifies that an export needs a recipient and a signer: there is no unsigned export. */
    @Test
    void testExportFailsWithoutSigner() throws Exception {
        OpenPgpRecipient lawyer = OpenPgpRecipient.parse(resource("lawyer-public.asc"));
        assertThrows(
                GeneralSecurityException.class,
                () -> OpenPgpExport.encrypt(new byte[] {1}, "f", lawyer, null));
    }
}

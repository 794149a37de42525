package org.haven.crypto;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.time.Instant;
import org.bouncycastle.openpgp.PGPException;
import org.haven.crypto.internal.OpenPgp;

/**
 * Exports a case file to a lawyer (or any outside recipient) as an OpenPGP message, signed by the
 * organisation's export signing key and encrypted to the recipient, that GnuPG and other RFC 4880
 * implementations decrypt and verify.
 *
 * <p>Recipients are explicit: one checked {@link OpenPgpRecipient}, whose encryption key the
 * message is encrypted to, and one {@link OpenPgpSigningKey}. Layout: a public-key encrypted
 * session key packet (tag 1), then a version 1 symmetrically encrypted integrity-protected data
 * packet (tag 18, AES-256, modification detection code) holding a one-pass signature packet (tag
 * 4), one binary literal data packet (tag 11) named {@code fileName}, and the signature (tag 2:
 * binary document, SHA-512, Ed25519, with the signer's fingerprint and the recipient's primary key
 * fingerprint as intended recipient); ASCII armor "BEGIN PGP MESSAGE" without headers. Nothing is
 * compressed.
 */
public final class OpenPgpExport {
    private OpenPgpExport() {}

    /** Signs {@code data} and encrypts it to {@code to}; returns an ASCII-armored message. */
    public static String encrypt(
            byte[] data, String fileName, OpenPgpRecipient to, OpenPgpSigningKey signer)
            throws GeneralSecurityException {
        if (data == null || fileName == null || to == null || signer == null) {
            throw new GeneralSecurityException(
                    "data, file name, recipient and signer are required");
        }
        try {
            return OpenPgp.signAndEncrypt(
                    data, fileName, to.internal(), signer.internal(), Instant.now());
        } catch (IOException | PGPException | RuntimeException e) {
            throw new GeneralSecurityException("OpenPGP encryption failed", e);
        }
    }
}

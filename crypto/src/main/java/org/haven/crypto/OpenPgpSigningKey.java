package org.haven.crypto;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.haven.crypto.internal.Bytes;
import org.haven.crypto.internal.Hkdf;
import org.haven.crypto.internal.OpenPgp;

/**
 * The organisation's OpenPGP key that signs case exports, derived from the coordinator team's
 * private key so that only someone holding that key can sign, and every gateway and session derives
 * the same one.
 *
 * <p>Derivation: {@code seed = HKDF-SHA256(IKM = team private key (32 bytes), salt = none, info =
 * "haven/export-signing-key/v1", L = 32)}; the key is the Ed25519 key (RFC 8032) of that seed, as a
 * version 4 OpenPGP EdDSA key created {@link #CREATED}, with one user id certified at the same time
 * (flags certify and sign, SHA-512). Ed25519 signatures are deterministic, so the published public
 * key is the same bytes wherever it is derived. A new team key (a rotation) gives a new signing
 * key: exports signed before stay verifiable with the old public key.
 */
public final class OpenPgpSigningKey {
    /** The fixed creation time of every derived signing key (it is part of the fingerprint). */
    public static final Instant CREATED = Instant.parse("2024-01-01T00:00:00Z");

    /** The HKDF info of the derivation. */
    static final String PURPOSE = "haven/export-signing-key/v1";

    private final OpenPgp.Signer signer;
    private final String userId;

    private OpenPgpSigningKey(OpenPgp.Signer signer, String userId) {
        this.signer = signer;
        this.userId = userId;
    }

    /**
     * The signing key of {@code teamKey}, with user id {@code userId} (which the caller must build
     * the same way everywhere, or the published key would differ).
     */
    public static OpenPgpSigningKey derive(RecipientPrivateKey teamKey, String userId) {
        if (userId == null || userId.isBlank()) {
            throw new IllegalArgumentException("a signing key needs a user id");
        }
        byte[] seed =
                Hkdf.sha256(
                        null,
                        teamKey.scalarNoCopy(),
                        PURPOSE.getBytes(StandardCharsets.US_ASCII),
                        32);
        try {
            return new OpenPgpSigningKey(OpenPgp.signer(seed, userId, CREATED), userId);
        } finally {
            Bytes.wipe(seed);
        }
    }

    /** The key's fingerprint: 40 upper-case hex digits. */
    public String fingerprint() {
        return signer.fingerprint();
    }

    /** The public key, ASCII armored: what a lawyer imports to verify an export. */
    public String armoredPublicKey() {
        return signer.armoredPublicKey();
    }

    /** Its user id. */
    public String userId() {
        return userId;
    }

    OpenPgp.Signer internal() {
        return signer;
    }

    @Override
    public String toString() {
        return "OpenPgpSigningKey[" + signer.fingerprint() + "]";
    }
}

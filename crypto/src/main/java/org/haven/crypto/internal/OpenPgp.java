package org.haven.crypto.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bouncycastle.bcpg.ArmoredOutputStream;
import org.bouncycastle.bcpg.ECPublicBCPGKey;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.PublicKeyAlgorithmTags;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.bcpg.sig.Features;
import org.bouncycastle.bcpg.sig.KeyFlags;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.openpgp.PGPEncryptedDataGenerator;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPKeyPair;
import org.bouncycastle.openpgp.PGPLiteralData;
import org.bouncycastle.openpgp.PGPLiteralDataGenerator;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureGenerator;
import org.bouncycastle.openpgp.PGPSignatureSubpacketGenerator;
import org.bouncycastle.openpgp.api.OpenPGPCertificate;
import org.bouncycastle.openpgp.api.OpenPGPCertificate.OpenPGPComponentKey;
import org.bouncycastle.openpgp.api.OpenPGPCertificate.OpenPGPComponentSignature;
import org.bouncycastle.openpgp.api.OpenPGPCertificate.OpenPGPUserId;
import org.bouncycastle.openpgp.api.OpenPGPDefaultPolicy;
import org.bouncycastle.openpgp.api.OpenPGPKeyReader;
import org.bouncycastle.openpgp.api.bc.BcOpenPGPImplementation;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentSignerBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPDataEncryptorBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPKeyPair;
import org.bouncycastle.openpgp.operator.bc.BcPublicKeyKeyEncryptionMethodGenerator;
import org.haven.crypto.OpenPgpKeyException;
import org.haven.crypto.OpenPgpKeyException.Reason;

/**
 * OpenPGP (RFC 4880) with Bouncy Castle's bcpg: recipient keys read and judged by its {@code
 * OpenPGPCertificate} (signature chains, revocation, expiry, key strength policy), an Ed25519
 * signing key made from a seed, and signed-then-encrypted messages built from the lightweight
 * operators: one public-key encrypted session key packet, a version 1 symmetrically encrypted
 * integrity-protected data packet (AES-256, MDC) holding a one-pass signature packet, one binary
 * literal data packet and the signature packet; ASCII armored without headers. That is what GnuPG
 * 2.2 and later decrypt and verify.
 */
public final class OpenPgp {
    /** Below this many bits, RSA, DSA and ElGamal keys are refused. */
    static final int MIN_FINITE_FIELD_BITS = 2048;

    private static final String PUBLIC_BLOCK = "-----BEGIN PGP PUBLIC KEY BLOCK-----";
    private static final String SECRET_BLOCK = "-----BEGIN PGP PRIVATE KEY BLOCK-----";
    private static final Map<String, String> CURVES =
            Map.of(
                    "1.3.6.1.4.1.3029.1.5.1", "cv25519",
                    "1.3.6.1.4.1.11591.15.1", "ed25519",
                    "1.2.840.10045.3.1.7", "nistp256",
                    "1.3.132.0.34", "nistp384",
                    "1.3.132.0.35", "nistp521",
                    "1.3.36.3.3.2.8.1.1.7", "brainpoolP256r1",
                    "1.3.36.3.3.2.8.1.1.11", "brainpoolP384r1",
                    "1.3.36.3.3.2.8.1.1.13", "brainpoolP512r1");

    private OpenPgp() {}

    /** A recipient key that passed every check, and the key to encrypt to. */
    public record Recipient(
            String fingerprint,
            String encryptionFingerprint,
            List<String> userIds,
            Instant created,
            Instant encryptionKeyCreated,
            String algorithm,
            String encryptionAlgorithm,
            PGPPublicKey primaryKey,
            PGPPublicKey encryptionKey) {}

    /** A signing key: the public key ring (armored, as published) and the private key. */
    public record Signer(
            PGPPublicKey publicKey,
            PGPPrivateKey privateKey,
            String fingerprint,
            String armoredPublicKey) {}

    /** Reads one armored public key and checks it is fit to encrypt to at {@code now}. */
    public static Recipient recipient(String armored, Instant now) throws OpenPgpKeyException {
        if (armored == null || armored.isBlank()) {
            throw new OpenPgpKeyException(Reason.NOT_A_KEY);
        }
        if (armored.contains(SECRET_BLOCK)) {
            throw new OpenPgpKeyException(Reason.SECRET_KEY);
        }
        int first = armored.indexOf(PUBLIC_BLOCK);
        if (first < 0) {
            throw new OpenPgpKeyException(Reason.NOT_A_KEY);
        }
        if (armored.indexOf(PUBLIC_BLOCK, first + 1) >= 0) {
            throw new OpenPgpKeyException(Reason.SEVERAL_KEYS);
        }
        List<OpenPGPCertificate> certs;
        try {
            certs = reader().parseKeysOrCertificates(armored);
        } catch (IOException | RuntimeException e) {
            throw new OpenPgpKeyException(Reason.NOT_A_KEY);
        }
        if (certs.isEmpty()) {
            throw new OpenPgpKeyException(Reason.NOT_A_KEY);
        }
        if (certs.size() > 1) {
            throw new OpenPgpKeyException(Reason.SEVERAL_KEYS);
        }
        OpenPGPCertificate cert = certs.get(0);
        if (cert.isSecretKey()) {
            throw new OpenPgpKeyException(Reason.SECRET_KEY);
        }
        Date when = Date.from(now);
        OpenPGPComponentKey primary = cert.getPrimaryKey();
        OpenPGPComponentSignature revocation = primary.getRevocation(when);
        if (revocation != null) {
            throw new OpenPgpKeyException(Reason.REVOKED, revocation.getCreationTime().toInstant());
        }
        Date expiry = primary.getKeyExpirationDateAt(when);
        if (expiry != null && !expiry.after(when)) {
            throw new OpenPgpKeyException(Reason.EXPIRED, expiry.toInstant());
        }
        if (weak(primary.getPGPPublicKey())) {
            throw new OpenPgpKeyException(Reason.WEAK);
        }
        List<String> userIds = new ArrayList<>();
        OpenPGPUserId primaryUserId = cert.getPrimaryUserId(when);
        for (OpenPGPUserId id : cert.getValidUserIds(when)) {
            if (id.equals(primaryUserId)) {
                userIds.add(0, id.getUserId());
            } else {
                userIds.add(id.getUserId());
            }
        }
        if (!primary.isBoundAt(when) || userIds.isEmpty()) {
            throw new OpenPgpKeyException(Reason.NOT_VALID);
        }
        OpenPGPComponentKey encryption =
                cert.getEncryptionKeys(when).stream()
                        .filter(k -> !weak(k.getPGPPublicKey()))
                        .max(Comparator.comparing(OpenPGPComponentKey::getCreationTime))
                        .orElseThrow(() -> noEncryptionKey(cert, when));
        PGPPublicKey p = primary.getPGPPublicKey();
        PGPPublicKey e = encryption.getPGPPublicKey();
        return new Recipient(
                hex(p.getFingerprint()),
                hex(e.getFingerprint()),
                List.copyOf(userIds),
                p.getCreationTime().toInstant(),
                e.getCreationTime().toInstant(),
                algorithmName(p),
                algorithmName(e),
                p,
                e);
    }

    /** Why no key of a valid certificate can encrypt: the newest key meant to encrypt says. */
    private static OpenPgpKeyException noEncryptionKey(OpenPGPCertificate cert, Date when) {
        List<OpenPGPComponentKey> meant =
                new ArrayList<>(
                        cert.getKeys().stream()
                                .filter(OpenPGPComponentKey::isEncryptionKey)
                                .toList());
        meant.sort(Comparator.comparing(OpenPGPComponentKey::getCreationTime).reversed());
        for (OpenPGPComponentKey k : meant) {
            OpenPGPComponentSignature revocation = k.getRevocation(when);
            if (revocation != null) {
                return new OpenPgpKeyException(
                        Reason.ENCRYPTION_KEY_REVOKED, revocation.getCreationTime().toInstant());
            }
            Date expiry = k.getKeyExpirationDateAt(when);
            if (expiry != null && !expiry.after(when)) {
                return new OpenPgpKeyException(Reason.ENCRYPTION_KEY_EXPIRED, expiry.toInstant());
            }
            if (weak(k.getPGPPublicKey())) {
                return new OpenPgpKeyException(Reason.WEAK);
            }
        }
        return new OpenPgpKeyException(
                meant.isEmpty() ? Reason.NO_ENCRYPTION_KEY : Reason.NOT_VALID);
    }

    private static OpenPGPKeyReader reader() {
        return new OpenPGPKeyReader(new BcOpenPGPImplementation(), new OpenPGPDefaultPolicy());
    }

    static boolean weak(PGPPublicKey key) {
        return switch (key.getAlgorithm()) {
            case PublicKeyAlgorithmTags.RSA_GENERAL,
                    PublicKeyAlgorithmTags.RSA_ENCRYPT,
                    PublicKeyAlgorithmTags.RSA_SIGN,
                    PublicKeyAlgorithmTags.DSA,
                    PublicKeyAlgorithmTags.ELGAMAL_ENCRYPT,
                    PublicKeyAlgorithmTags.ELGAMAL_GENERAL ->
                    key.getBitStrength() < MIN_FINITE_FIELD_BITS;
            default -> false;
        };
    }

    /** The algorithm as gpg names it in its key listings. */
    static String algorithmName(PGPPublicKey key) {
        int bits = key.getBitStrength();
        return switch (key.getAlgorithm()) {
            case PublicKeyAlgorithmTags.RSA_GENERAL,
                    PublicKeyAlgorithmTags.RSA_ENCRYPT,
                    PublicKeyAlgorithmTags.RSA_SIGN ->
                    "rsa" + bits;
            case PublicKeyAlgorithmTags.DSA -> "dsa" + bits;
            case PublicKeyAlgorithmTags.ELGAMAL_ENCRYPT, PublicKeyAlgorithmTags.ELGAMAL_GENERAL ->
                    "elg" + bits;
            case PublicKeyAlgorithmTags.ECDH,
                    PublicKeyAlgorithmTags.ECDSA,
                    PublicKeyAlgorithmTags.EDDSA_LEGACY ->
                    curve(key);
            case PublicKeyAlgorithmTags.X25519 -> "x25519";
            case PublicKeyAlgorithmTags.X448 -> "x448";
            case PublicKeyAlgorithmTags.Ed25519 -> "ed25519";
            case PublicKeyAlgorithmTags.Ed448 -> "ed448";
            default -> "algorithm " + key.getAlgorithm();
        };
    }

    private static String curve(PGPPublicKey key) {
        if (key.getPublicKeyPacket().getKey() instanceof ECPublicBCPGKey ec) {
            String oid = ec.getCurveOID().getId();
            return CURVES.getOrDefault(oid, "curve " + oid);
        }
        return "algorithm " + key.getAlgorithm();
    }

    /**
     * The Ed25519 signing key whose private scalar is expanded from {@code seed} (RFC 8032), with
     * creation time {@code created} and one user id, self-certified at that same time. Ed25519
     * signatures are deterministic, so the same seed, user id and time give the same key ring, byte
     * for byte.
     */
    public static Signer signer(byte[] seed, String userId, Instant created) {
        try {
            Ed25519PrivateKeyParameters priv = new Ed25519PrivateKeyParameters(seed, 0);
            Date when = Date.from(created);
            PGPKeyPair pair =
                    new BcPGPKeyPair(
                            PublicKeyAlgorithmTags.EDDSA_LEGACY,
                            new AsymmetricCipherKeyPair(priv.generatePublicKey(), priv),
                            when);
            PGPSignatureSubpacketGenerator hashed = new PGPSignatureSubpacketGenerator();
            hashed.setSignatureCreationTime(false, when);
            hashed.setKeyFlags(false, KeyFlags.CERTIFY_OTHER | KeyFlags.SIGN_DATA);
            hashed.setIssuerFingerprint(false, pair.getPublicKey());
            hashed.setPreferredHashAlgorithms(
                    false, new int[] {HashAlgorithmTags.SHA512, HashAlgorithmTags.SHA256});
            hashed.setPreferredSymmetricAlgorithms(
                    false, new int[] {SymmetricKeyAlgorithmTags.AES_256});
            hashed.setFeature(false, Features.FEATURE_MODIFICATION_DETECTION);
            hashed.setPrimaryUserID(false, true);
            PGPSignatureGenerator certifier =
                    new PGPSignatureGenerator(
                            new BcPGPContentSignerBuilder(
                                    PublicKeyAlgorithmTags.EDDSA_LEGACY, HashAlgorithmTags.SHA512),
                            pair.getPublicKey());
            certifier.init(PGPSignature.POSITIVE_CERTIFICATION, pair.getPrivateKey());
            certifier.setHashedSubpackets(hashed.generate());
            PGPSignature certification =
                    certifier.generateCertification(userId, pair.getPublicKey());
            PGPPublicKey certified =
                    PGPPublicKey.addCertification(pair.getPublicKey(), userId, certification);
            PGPPublicKeyRing ring = new PGPPublicKeyRing(List.of(certified));
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ArmoredOutputStream armor =
                    ArmoredOutputStream.builder().clearHeaders().build(bytes)) {
                ring.encode(armor, true);
            }
            return new Signer(
                    certified,
                    pair.getPrivateKey(),
                    hex(certified.getFingerprint()),
                    bytes.toString(StandardCharsets.US_ASCII));
        } catch (IOException | PGPException e) {
            throw new IllegalStateException("OpenPGP signing key could not be made", e);
        }
    }

    /**
     * Signs {@code data} with {@code signer} (a one-pass binary signature, SHA-512, made {@code
     * now}, naming the recipient's primary key as intended recipient) and encrypts the whole to
     * {@code to}; returns the ASCII-armored message.
     */
    public static String signAndEncrypt(
            byte[] data, String fileName, Recipient to, Signer signer, Instant now)
            throws PGPException, IOException {
        Date when = Date.from(now);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ArmoredOutputStream armor =
                ArmoredOutputStream.builder().clearHeaders().build(bytes)) {
            PGPEncryptedDataGenerator generator =
                    new PGPEncryptedDataGenerator(
                            new BcPGPDataEncryptorBuilder(SymmetricKeyAlgorithmTags.AES_256)
                                    .setWithIntegrityPacket(true)
                                    .setSecureRandom(Bytes.secureRandom()));
            generator.addMethod(
                    new BcPublicKeyKeyEncryptionMethodGenerator(to.encryptionKey())
                            .setSecureRandom(Bytes.secureRandom()));
            try (OutputStream encrypted = generator.open(armor, new byte[1 << 16])) {
                PGPSignatureGenerator signature =
                        new PGPSignatureGenerator(
                                new BcPGPContentSignerBuilder(
                                        PublicKeyAlgorithmTags.EDDSA_LEGACY,
                                        HashAlgorithmTags.SHA512),
                                signer.publicKey());
                signature.init(PGPSignature.BINARY_DOCUMENT, signer.privateKey());
                PGPSignatureSubpacketGenerator hashed = new PGPSignatureSubpacketGenerator();
                hashed.setSignatureCreationTime(false, when);
                hashed.setIssuerFingerprint(false, signer.publicKey());
                hashed.addIntendedRecipientFingerprint(false, to.primaryKey());
                signature.setHashedSubpackets(hashed.generate());
                signature.generateOnePassVersion(false).encode(encrypted);
                PGPLiteralDataGenerator literal = new PGPLiteralDataGenerator();
                try (OutputStream out =
                        literal.open(
                                encrypted, PGPLiteralData.BINARY, fileName, data.length, when)) {
                    out.write(data);
                }
                signature.update(data);
                signature.generate().encode(encrypted);
            }
        }
        return bytes.toString(StandardCharsets.US_ASCII);
    }

    static String hex(byte[] fingerprint) {
        return HexFormat.of().formatHex(fingerprint).toUpperCase(Locale.ROOT);
    }
}

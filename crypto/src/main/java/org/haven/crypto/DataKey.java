package org.haven.crypto;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import org.haven.crypto.internal.AesGcm;
import org.haven.crypto.internal.ByteReader;
import org.haven.crypto.internal.ByteWriter;
import org.haven.crypto.internal.Bytes;
import org.haven.crypto.internal.Hpke;

/**
 * A per-case AES-256-GCM data key. Answers, messages, contact addresses and notes of one case are
 * encrypted under it with associated data from {@link FieldBinding#of}; the key itself is sealed
 * once per recipient with {@link #sealTo} (HPKE, RFC 9180). Adding a recipient or rotating the team
 * key re-seals this 32-byte key; the field ciphertexts stay as they are.
 *
 * <h2>Field ciphertext ({@link #encrypt}), version 1</h2>
 *
 * <pre>
 * offset  length  content
 * 0       4       magic "HVND" (0x48 0x56 0x4E 0x44)
 * 4       1       version 0x01
 * 5       12      AES-GCM nonce, random
 * 17      n + 16  AES-256-GCM ciphertext of the n-byte plaintext, then the 16-byte tag
 * </pre>
 *
 * GCM associated data = bytes 0..4 (magic and version) followed by the caller's associated data.
 * Minimum length 33 bytes.
 *
 * <h2>Sealed data key ({@link #sealTo}), version 1, exactly 99 bytes</h2>
 *
 * <pre>
 * offset  length  content
 * 0       4       magic "HVNK" (0x48 0x56 0x4E 0x4B)
 * 4       1       version 0x01
 * 5       2       HPKE KEM id 0x0020, DHKEM(X25519, HKDF-SHA256), big-endian
 * 7       2       HPKE KDF id 0x0001, HKDF-SHA256
 * 9       2       HPKE AEAD id 0x0002, AES-256-GCM
 * 11      8       recipient key id: first 8 bytes of SHA-256(recipient public key)
 * 19      32      HPKE enc (the ephemeral X25519 public key)
 * 51      48      HPKE ciphertext of the 32-byte data key, including the 16-byte tag
 * </pre>
 *
 * HPKE base mode, single shot (sequence 0): {@code info} = ASCII "haven/data-key/v1" (17 bytes)
 * followed by the caller's context (e.g. the case id); {@code aad} = bytes 0..18 (the header up to
 * and including the recipient key id).
 */
public final class DataKey {
    static final byte[] DATA_MAGIC = {'H', 'V', 'N', 'D'};
    static final byte[] SEALED_MAGIC = {'H', 'V', 'N', 'K'};
    static final int VERSION = 1;
    static final int SEALED_LENGTH = 99;
    static final byte[] INFO_LABEL = "haven/data-key/v1".getBytes(StandardCharsets.US_ASCII);

    private final byte[] key;
    private volatile boolean destroyed;

    private DataKey(byte[] key) {
        this.key = key;
    }

    /** A fresh random 256-bit key. */
    public static DataKey generate() {
        return new DataKey(Bytes.random(AesGcm.KEY_LENGTH));
    }

    /** Imports raw key bytes (e.g. from a test or a migration); prefer {@link #openSealed}. */
    public static DataKey fromBytes(byte[] key, SecretKeyAccess access)
            throws GeneralSecurityException {
        SecretKeyAccess.require(access);
        if (key == null || key.length != AesGcm.KEY_LENGTH) {
            throw new GeneralSecurityException("data key must be 32 bytes");
        }
        return new DataKey(key.clone());
    }

    /** The raw 32 key bytes (a copy). */
    public byte[] toBytes(SecretKeyAccess access) {
        SecretKeyAccess.require(access);
        return key().clone();
    }

    /** Encrypts {@code plaintext} bound to {@code associatedData} (use {@link FieldBinding#of}). */
    public byte[] encrypt(byte[] plaintext, byte[] associatedData) throws GeneralSecurityException {
        requireArgs(plaintext, associatedData);
        byte[] header = new ByteWriter().bytes(DATA_MAGIC).u8(VERSION).toByteArray();
        byte[] nonce = Bytes.random(AesGcm.NONCE_LENGTH);
        byte[] ct = AesGcm.encrypt(key(), nonce, Bytes.concat(header, associatedData), plaintext);
        return Bytes.concat(header, nonce, ct);
    }

    /** Decrypts a field ciphertext; the whole plaintext or a {@link GeneralSecurityException}. */
    public byte[] decrypt(byte[] ciphertext, byte[] associatedData)
            throws GeneralSecurityException {
        if (associatedData == null) {
            throw new GeneralSecurityException("associated data is null");
        }
        ByteReader in =
                new ByteReader(ciphertext).expectHeader(DATA_MAGIC, VERSION, "field ciphertext");
        byte[] header = in.consumed();
        byte[] nonce = in.bytes(AesGcm.NONCE_LENGTH);
        if (in.remaining() < AesGcm.TAG_LENGTH) {
            throw new GeneralSecurityException("truncated input");
        }
        return AesGcm.decrypt(key(), nonce, Bytes.concat(header, associatedData), in.rest());
    }

    /**
     * HPKE-seals this key to one recipient; {@code context} (e.g. the case id) is bound as HPKE
     * info.
     */
    public byte[] sealTo(RecipientPublicKey recipient, byte[] context)
            throws GeneralSecurityException {
        if (recipient == null || context == null) {
            throw new GeneralSecurityException("recipient and context are required");
        }
        byte[] header = sealedHeader(recipient.keyIdBytes());
        Hpke.Sealed sealed =
                Hpke.seal(
                        Hpke.AEAD_AES_256_GCM,
                        recipient.encodedNoCopy(),
                        Bytes.concat(INFO_LABEL, context),
                        header,
                        key());
        return Bytes.concat(header, sealed.enc(), sealed.ciphertext());
    }

    /**
     * Opens a key sealed with {@link #sealTo}; wrong recipient, context or any tampering throws.
     */
    public static DataKey openSealed(byte[] sealed, RecipientPrivateKey recipient, byte[] context)
            throws GeneralSecurityException {
        if (recipient == null || context == null) {
            throw new GeneralSecurityException("recipient and context are required");
        }
        if (sealed == null || sealed.length != SEALED_LENGTH) {
            throw new GeneralSecurityException(
                    "sealed data key must be " + SEALED_LENGTH + " bytes");
        }
        ByteReader in =
                new ByteReader(sealed).expectHeader(SEALED_MAGIC, VERSION, "sealed data key");
        if (in.u16() != Hpke.KEM_X25519_HKDF_SHA256
                || in.u16() != Hpke.KDF_HKDF_SHA256
                || in.u16() != Hpke.AEAD_AES_256_GCM) {
            throw new GeneralSecurityException("sealed data key: unsupported HPKE suite");
        }
        byte[] keyId = in.bytes(8);
        RecipientPublicKey pub = recipient.publicKey();
        if (!Arrays.equals(keyId, pub.keyIdBytes())) {
            throw new GeneralSecurityException("sealed data key is for another recipient");
        }
        byte[] header = in.consumed();
        byte[] enc = in.bytes(Hpke.ENC_LENGTH);
        byte[] ct = in.rest();
        byte[] key =
                Hpke.open(
                        Hpke.AEAD_AES_256_GCM,
                        enc,
                        recipient.scalarNoCopy(),
                        pub.encodedNoCopy(),
                        Bytes.concat(INFO_LABEL, context),
                        header,
                        ct);
        if (key.length != AesGcm.KEY_LENGTH) {
            Bytes.wipe(key);
            throw new GeneralSecurityException("sealed data key has wrong length");
        }
        return new DataKey(key);
    }

    /** Recipient key id (16 hex characters) named in a sealed data key, without opening it. */
    public static String sealedRecipientKeyId(byte[] sealed) throws GeneralSecurityException {
        if (sealed == null || sealed.length != SEALED_LENGTH) {
            throw new GeneralSecurityException(
                    "sealed data key must be " + SEALED_LENGTH + " bytes");
        }
        ByteReader in =
                new ByteReader(sealed).expectHeader(SEALED_MAGIC, VERSION, "sealed data key");
        in.bytes(6);
        return Bytes.hex(in.bytes(8));
    }

    /** Wipes the key bytes; later use throws {@link IllegalStateException}. */
    public void destroy() {
        destroyed = true;
        Bytes.wipe(key);
    }

    private static byte[] sealedHeader(byte[] keyId) {
        return new ByteWriter()
                .bytes(SEALED_MAGIC)
                .u8(VERSION)
                .u16(Hpke.KEM_X25519_HKDF_SHA256)
                .u16(Hpke.KDF_HKDF_SHA256)
                .u16(Hpke.AEAD_AES_256_GCM)
                .bytes(keyId)
                .toByteArray();
    }

    private byte[] key() {
        if (destroyed) {
            throw new IllegalStateException("data key destroyed");
        }
        return key;
    }

    private static void requireArgs(byte[] plaintext, byte[] associatedData)
            throws GeneralSecurityException {
        if (plaintext == null || associatedData == null) {
            throw new GeneralSecurityException("plaintext and associated data are required");
        }
    }

    @Override
    public String toString() {
        return "DataKey[redacted]";
    }
}

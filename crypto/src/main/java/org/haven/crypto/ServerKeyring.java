package org.haven.crypto;

import java.security.GeneralSecurityException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.haven.crypto.internal.AesGcm;
import org.haven.crypto.internal.ByteReader;
import org.haven.crypto.internal.ByteWriter;
import org.haven.crypto.internal.Bytes;

/**
 * The server's working keyring for in-progress conversation state: several AES-256-GCM keys, each
 * with a numeric id, one of them primary. {@link #encrypt} always uses the primary and writes its
 * id into the ciphertext; {@link #decrypt} picks the key by that id, so after {@link #rotate()}
 * older conversations still decrypt until their key is {@link #retire retired}. Immutable and
 * thread-safe.
 *
 * <p>Key ids are 1, 2, 3, … in order of creation; the primary is always the newest.
 *
 * <h2>Ciphertext, version 1</h2>
 *
 * <pre>
 * offset  length  content
 * 0       4       magic "HVNW" (0x48 0x56 0x4E 0x57)
 * 4       1       version 0x01
 * 5       4       key id, u32 big-endian
 * 9       12      AES-GCM nonce, random
 * 21      n + 16  AES-256-GCM ciphertext of the n-byte plaintext, then the 16-byte tag
 * </pre>
 *
 * GCM associated data = bytes 0..8 (magic, version, key id) followed by the caller's data.
 *
 * <h2>Serialized keyring ({@link #toBytes}), version 1 — raw secret keys, seal it at rest</h2>
 *
 * <pre>
 * offset  length  content
 * 0       4       magic "HVNR" (0x48 0x56 0x4E 0x52)
 * 4       1       version 0x01
 * 5       4       primary key id, u32 big-endian
 * 9       2       key count c, u16 big-endian, 1 to 64
 * 11      37 * c  per key: key id (u32, 1 to 2^31-1, unique), key length (u8, must be 32), key
 * </pre>
 *
 * The primary id must be one of the keys; no trailing bytes.
 */
public final class ServerKeyring {
    static final byte[] CIPHERTEXT_MAGIC = {'H', 'V', 'N', 'W'};
    static final byte[] KEYRING_MAGIC = {'H', 'V', 'N', 'R'};
    static final int VERSION = 1;
    static final int MAX_KEYS = 64;

    private final Map<Integer, byte[]> keys;
    private final int primaryId;

    private ServerKeyring(Map<Integer, byte[]> keys, int primaryId) {
        this.keys = Collections.unmodifiableMap(keys);
        this.primaryId = primaryId;
    }

    /** A keyring with one fresh primary key, id 1. */
    public static ServerKeyring generate() {
        Map<Integer, byte[]> keys = new LinkedHashMap<>();
        keys.put(1, Bytes.random(AesGcm.KEY_LENGTH));
        return new ServerKeyring(keys, 1);
    }

    /** Parses {@link #toBytes} output; every count, id and length is checked. */
    public static ServerKeyring fromBytes(byte[] serialized, SecretKeyAccess access)
            throws GeneralSecurityException {
        SecretKeyAccess.require(access);
        ByteReader in = new ByteReader(serialized).expectHeader(KEYRING_MAGIC, VERSION, "keyring");
        long primary = in.u32();
        int count = in.u16();
        if (count < 1 || count > MAX_KEYS) {
            throw new GeneralSecurityException("keyring: key count out of bounds");
        }
        Map<Integer, byte[]> keys = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            long id = in.u32();
            int length = in.u8();
            if (id < 1 || id > Integer.MAX_VALUE || length != AesGcm.KEY_LENGTH) {
                throw new GeneralSecurityException("keyring: bad key entry");
            }
            if (keys.put((int) id, in.bytes(length)) != null) {
                throw new GeneralSecurityException("keyring: duplicate key id");
            }
        }
        in.expectEnd();
        if (primary > Integer.MAX_VALUE || !keys.containsKey((int) primary)) {
            throw new GeneralSecurityException("keyring: primary key missing");
        }
        return new ServerKeyring(keys, (int) primary);
    }

    /** Raw key material; store it only sealed (e.g. in a {@link PassphraseBox}). */
    public byte[] toBytes(SecretKeyAccess access) {
        SecretKeyAccess.require(access);
        ByteWriter out =
                new ByteWriter().bytes(KEYRING_MAGIC).u8(VERSION).u32(primaryId).u16(keys.size());
        keys.forEach((id, key) -> out.u32(id).u8(key.length).bytes(key));
        return out.toByteArray();
    }

    /** A new keyring with a fresh primary key; the old keys stay for decryption. */
    public ServerKeyring rotate() {
        if (keys.size() >= MAX_KEYS) {
            throw new IllegalStateException("keyring full: retire old keys first");
        }
        int next = Math.addExact(primaryId, 1);
        Map<Integer, byte[]> copy = new LinkedHashMap<>(keys);
        copy.put(next, Bytes.random(AesGcm.KEY_LENGTH));
        return new ServerKeyring(copy, next);
    }

    /**
     * A new keyring without key {@code keyId}; ciphertexts under it no longer decrypt.
     *
     * @throws IllegalArgumentException when {@code keyId} is the primary or not in the keyring
     */
    public ServerKeyring retire(int keyId) {
        if (keyId == primaryId) {
            throw new IllegalArgumentException("cannot retire the primary key");
        }
        if (!keys.containsKey(keyId)) {
            throw new IllegalArgumentException("no such key id: " + keyId);
        }
        Map<Integer, byte[]> copy = new LinkedHashMap<>(keys);
        copy.remove(keyId);
        return new ServerKeyring(copy, primaryId);
    }

    /** The id of the primary key. */
    public int primaryKeyId() {
        return primaryId;
    }

    /** All key ids, oldest first. */
    public Set<Integer> keyIds() {
        return keys.keySet();
    }

    /** Key id named in a ciphertext, e.g. to find conversations still under an old key. */
    public static int keyIdOf(byte[] ciphertext) throws GeneralSecurityException {
        ByteReader in =
                new ByteReader(ciphertext)
                        .expectHeader(CIPHERTEXT_MAGIC, VERSION, "working ciphertext");
        long id = in.u32();
        if (id < 1 || id > Integer.MAX_VALUE) {
            throw new GeneralSecurityException("working ciphertext: bad key id");
        }
        return (int) id;
    }

    /** Encrypts under the primary key, bound to {@code associatedData}. */
    public byte[] encrypt(byte[] plaintext, byte[] associatedData) throws GeneralSecurityException {
        if (plaintext == null || associatedData == null) {
            throw new GeneralSecurityException("plaintext and associated data are required");
        }
        byte[] header =
                new ByteWriter().bytes(CIPHERTEXT_MAGIC).u8(VERSION).u32(primaryId).toByteArray();
        byte[] nonce = Bytes.random(AesGcm.NONCE_LENGTH);
        byte[] ct =
                AesGcm.encrypt(
                        keys.get(primaryId),
                        nonce,
                        Bytes.concat(header, associatedData),
                        plaintext);
        return Bytes.concat(header, nonce, ct);
    }

    /** Decrypts with the key named in the ciphertext; unknown or retired key ids throw. */
    public byte[] decrypt(byte[] ciphertext, byte[] associatedData)
            throws GeneralSecurityException {
        if (associatedData == null) {
            throw new GeneralSecurityException("associated data is required");
        }
        int id = keyIdOf(ciphertext);
        byte[] key = keys.get(id);
        if (key == null) {
            throw new GeneralSecurityException("working ciphertext: unknown key id");
        }
        ByteReader in = new ByteReader(ciphertext);
        byte[] header = in.bytes(9);
        byte[] nonce = in.bytes(AesGcm.NONCE_LENGTH);
        if (in.remaining() < AesGcm.TAG_LENGTH) {
            throw new GeneralSecurityException("truncated input");
        }
        return AesGcm.decrypt(key, nonce, Bytes.concat(header, associatedData), in.rest());
    }

    @Override
    public String toString() {
        return "ServerKeyring[primary=" + primaryId + ", keys=" + keys.keySet() + "]";
    }
}

package org.haven.crypto;

import java.security.GeneralSecurityException;
import org.bouncycastle.crypto.PasswordConverter;
import org.haven.crypto.internal.AesGcm;
import org.haven.crypto.internal.Argon2id;
import org.haven.crypto.internal.ByteReader;
import org.haven.crypto.internal.ByteWriter;
import org.haven.crypto.internal.Bytes;

/**
 * A secret (typically a {@link RecipientPrivateKey} or a serialized {@link ServerKeyring}) at rest
 * under a passphrase: Argon2id derives a 256-bit key, AES-256-GCM encrypts the secret.
 *
 * <h2>Format, version 1</h2>
 *
 * <pre>
 * offset  length  content
 * 0       4       magic "HVNP" (0x48 0x56 0x4E 0x50)
 * 4       1       version 0x01
 * 5       1       algorithm 0x01: Argon2id v0x13 (RFC 9106) then AES-256-GCM
 * 6       4       Argon2 memory in KiB, u32 big-endian
 * 10      4       Argon2 iterations, u32 big-endian
 * 14      1       Argon2 parallelism, u8
 * 15      1       salt length s, u8, 16 to 64 (Haven writes 16)
 * 16      s       salt, random
 * 16+s    12      AES-GCM nonce, random
 * 28+s    n + 16  AES-256-GCM ciphertext of the n-byte secret, then the 16-byte tag
 * </pre>
 *
 * Key = Argon2id(password = UTF-8 of the passphrase, salt, m, t, p, no secret K, no data X, 32
 * bytes). GCM associated data = bytes 0 .. 16+s-1 (everything before the nonce). The Argon2
 * parameters are checked against {@link Argon2Params} bounds before any work is done.
 */
public final class PassphraseBox {
    static final byte[] MAGIC = {'H', 'V', 'N', 'P'};
    static final int VERSION = 1;
    static final int ALGORITHM_ARGON2ID_AES256GCM = 1;
    static final int SALT_LENGTH = 16;
    static final int MIN_SALT_LENGTH = 16;
    static final int MAX_SALT_LENGTH = 64;

    private PassphraseBox() {}

    /** Seals with {@link Argon2Params#defaults()}. */
    public static byte[] seal(byte[] secret, char[] passphrase) throws GeneralSecurityException {
        return seal(secret, passphrase, Argon2Params.defaults());
    }

    /** Seals {@code secret} under {@code passphrase} with the given Argon2id costs. */
    public static byte[] seal(byte[] secret, char[] passphrase, Argon2Params params)
            throws GeneralSecurityException {
        if (secret == null || passphrase == null || params == null) {
            throw new GeneralSecurityException("secret, passphrase and params are required");
        }
        byte[] salt = Bytes.random(SALT_LENGTH);
        byte[] header =
                new ByteWriter()
                        .bytes(MAGIC)
                        .u8(VERSION)
                        .u8(ALGORITHM_ARGON2ID_AES256GCM)
                        .u32(params.memoryKiB())
                        .u32(params.iterations())
                        .u8(params.parallelism())
                        .u8(salt.length)
                        .bytes(salt)
                        .toByteArray();
        byte[] key = deriveKey(passphrase, salt, params, null);
        try {
            byte[] nonce = Bytes.random(AesGcm.NONCE_LENGTH);
            return Bytes.concat(header, nonce, AesGcm.encrypt(key, nonce, header, secret));
        } finally {
            Bytes.wipe(key);
        }
    }

    /** Opens a box; a wrong passphrase, tampering or truncation throws. */
    public static byte[] open(byte[] box, char[] passphrase) throws GeneralSecurityException {
        return open(box, passphrase, null);
    }

    /**
     * As {@link #open(byte[], char[])}, with Argon2id's working memory reused from earlier runs
     * ({@code memory}; null: allocated for this run).
     */
    public static byte[] open(byte[] box, char[] passphrase, Argon2Memory memory)
            throws GeneralSecurityException {
        if (passphrase == null) {
            throw new GeneralSecurityException("passphrase is required");
        }
        ByteReader in = new ByteReader(box).expectHeader(MAGIC, VERSION, "passphrase box");
        if (in.u8() != ALGORITHM_ARGON2ID_AES256GCM) {
            throw new GeneralSecurityException("passphrase box: unsupported algorithm");
        }
        Argon2Params params = Argon2Params.decoded(in.u32(), in.u32(), in.u8());
        int saltLength = in.u8();
        if (saltLength < MIN_SALT_LENGTH || saltLength > MAX_SALT_LENGTH) {
            throw new GeneralSecurityException("passphrase box: salt length out of bounds");
        }
        byte[] salt = in.bytes(saltLength);
        byte[] header = in.consumed();
        byte[] nonce = in.bytes(AesGcm.NONCE_LENGTH);
        if (in.remaining() < AesGcm.TAG_LENGTH) {
            throw new GeneralSecurityException("truncated input");
        }
        byte[] ct = in.rest();
        byte[] key = deriveKey(passphrase, salt, params, memory);
        try {
            return AesGcm.decrypt(key, nonce, header, ct);
        } finally {
            Bytes.wipe(key);
        }
    }

    /** The Argon2 parameters a box was sealed with, e.g. to decide whether to re-seal it. */
    public static Argon2Params params(byte[] box) throws GeneralSecurityException {
        ByteReader in = new ByteReader(box).expectHeader(MAGIC, VERSION, "passphrase box");
        if (in.u8() != ALGORITHM_ARGON2ID_AES256GCM) {
            throw new GeneralSecurityException("passphrase box: unsupported algorithm");
        }
        return Argon2Params.decoded(in.u32(), in.u32(), in.u8());
    }

    static byte[] deriveKey(
            char[] passphrase, byte[] salt, Argon2Params params, Argon2Memory memory) {
        byte[] password = PasswordConverter.UTF8.convert(passphrase);
        try {
            return Argon2id.derive(
                    password,
                    salt,
                    null,
                    null,
                    params.memoryKiB(),
                    params.iterations(),
                    params.parallelism(),
                    AesGcm.KEY_LENGTH,
                    Argon2Memory.blocksOf(memory));
        } finally {
            Bytes.wipe(password);
        }
    }
}

package org.haven.crypto;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.haven.crypto.internal.Bytes;
import org.haven.crypto.internal.Hkdf;

/**
 * HMAC-SHA256 (RFC 2104) under a server secret of at least 32 bytes, to find a phone number or chat
 * id again without storing it. {@code hash(v) = HMAC-SHA256(secret, UTF-8(v))}; callers normalise
 * values first (e.g. E.164 phone numbers) and may prefix a channel name ({@code
 * "sms:+15145550000"}) so equal ids on different channels do not collide.
 *
 * <p>{@link #derive} gives an independent keyed hash for another purpose (the audit chain's MAC)
 * without the secret leaving this object: its key is {@code HKDF-SHA256(IKM = secret, salt = none,
 * info = UTF-8(purpose), L = 32)} (RFC 5869). Thread-safe.
 */
public final class KeyedHash {
    /** Minimum secret length in bytes. */
    public static final int MIN_SECRET_LENGTH = 32;

    private final byte[] secret;
    // the JDK's HMAC-SHA256 (SHA-256 in processor instructions where present), one keyed Mac per
    // thread
    private final ThreadLocal<Mac> mac = ThreadLocal.withInitial(this::newMac);

    /**
     * @throws IllegalArgumentException when {@code secret} is shorter than 32 bytes
     */
    public KeyedHash(byte[] secret) {
        if (secret == null || secret.length < MIN_SECRET_LENGTH) {
            throw new IllegalArgumentException("keyed hash secret must be at least 32 bytes");
        }
        this.secret = secret.clone();
    }

    /**
     * A keyed hash under a key derived from this one's secret for {@code purpose}, a fixed label
     * such as {@code "haven/audit-key/v1"}: HKDF-SHA256 with no salt, the secret as input keying
     * material and the UTF-8 label as info, 32 bytes. Different labels give independent keys; the
     * same secret and label give the same key on every machine.
     */
    public KeyedHash derive(String purpose) {
        if (purpose == null || purpose.isEmpty()) {
            throw new IllegalArgumentException("a derived key needs a purpose label");
        }
        byte[] key = Hkdf.sha256(null, secret, purpose.getBytes(StandardCharsets.UTF_8), 32);
        try {
            return new KeyedHash(key);
        } finally {
            Bytes.wipe(key);
        }
    }

    /** HMAC-SHA256 of {@code value}: 32 bytes. */
    public byte[] hash(byte[] value) {
        if (value == null) {
            throw new IllegalArgumentException("value is null");
        }
        return mac.get().doFinal(value);
    }

    /** HMAC-SHA256 of the UTF-8 bytes of {@code value}: 32 bytes. */
    public byte[] hash(String value) {
        if (value == null) {
            throw new IllegalArgumentException("value is null");
        }
        // doFinal leaves the Mac keyed and reset, ready for the next value on this thread
        return mac.get().doFinal(value.getBytes(StandardCharsets.UTF_8));
    }

    private Mac newMac() {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(new SecretKeySpec(secret, "HmacSHA256"));
            return m;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    /** {@link #hash} as 64 lowercase hex characters. */
    public String hashHex(String value) {
        return Bytes.hex(hash(value));
    }

    @Override
    public String toString() {
        return "KeyedHash[redacted]";
    }
}

package org.haven.crypto;

import java.nio.charset.StandardCharsets;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;
import org.haven.crypto.internal.Bytes;

/**
 * HMAC-SHA256 (RFC 2104) under a server secret of at least 32 bytes, to find a phone number or
 * chat id again without storing it. {@code hash(v) = HMAC-SHA256(secret, UTF-8(v))}; callers
 * normalise values first (e.g. E.164 phone numbers) and may prefix a channel name
 * ({@code "sms:+15145550000"}) so equal ids on different channels do not collide.
 * Thread-safe.
 */
public final class KeyedHash {
  /** Minimum secret length in bytes. */
  public static final int MIN_SECRET_LENGTH = 32;

  private final byte[] secret;

  /** @throws IllegalArgumentException when {@code secret} is shorter than 32 bytes */
  public KeyedHash(byte[] secret) {
    if (secret == null || secret.length < MIN_SECRET_LENGTH) {
      throw new IllegalArgumentException("keyed hash secret must be at least 32 bytes");
    }
    this.secret = secret.clone();
  }

  /** HMAC-SHA256 of the UTF-8 bytes of {@code value}: 32 bytes. */
  public byte[] hash(String value) {
    if (value == null) {
      throw new IllegalArgumentException("value is null");
    }
    HMac mac = new HMac(new SHA256Digest());
    mac.init(new KeyParameter(secret));
    byte[] in = value.getBytes(StandardCharsets.UTF_8);
    mac.update(in, 0, in.length);
    byte[] out = new byte[mac.getMacSize()];
    mac.doFinal(out, 0);
    return out;
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

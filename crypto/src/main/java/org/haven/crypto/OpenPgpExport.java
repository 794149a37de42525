package org.haven.crypto;

import java.security.GeneralSecurityException;
import org.haven.crypto.internal.OpenPgp;

/**
 * Exports a case file to a lawyer (or any outside recipient) as an OpenPGP message that GnuPG
 * and other RFC 4880 implementations decrypt.
 *
 * <p>The recipient is explicit: exactly one ASCII-armored public key (transferable public key)
 * must be given. Haven encrypts to its newest valid encryption subkey (binding signature
 * verified, not revoked, not expired, key flags allowing encryption), or to the primary key when
 * that is an encryption-capable key without subkeys. Message layout: a public-key encrypted
 * session key packet (tag 1), a version 1 symmetrically encrypted integrity-protected data
 * packet (tag 18, AES-256, modification detection code) containing one binary literal data
 * packet (tag 11) with {@code fileName}; ASCII armor "BEGIN PGP MESSAGE" without headers.
 * Nothing is compressed.
 */
public final class OpenPgpExport {
  private OpenPgpExport() {}

  /** Encrypts data to an ASCII-armored OpenPGP public key; returns an ASCII-armored message. */
  public static String encrypt(byte[] data, String fileName, String armoredPublicKey)
      throws GeneralSecurityException {
    if (data == null || fileName == null) {
      throw new GeneralSecurityException("data and file name are required");
    }
    return OpenPgp.encrypt(data, fileName, armoredPublicKey);
  }
}

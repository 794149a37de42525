package org.haven.crypto.internal;

import java.security.GeneralSecurityException;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.modes.GCMModeCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/** AES-256-GCM with a 96-bit nonce and a 128-bit tag, on Bouncy Castle's lightweight API. */
public final class AesGcm {
  public static final int KEY_LENGTH = 32;
  public static final int NONCE_LENGTH = 12;
  public static final int TAG_LENGTH = 16;

  private AesGcm() {}

  public static byte[] encrypt(byte[] key, byte[] nonce, byte[] aad, byte[] plaintext)
      throws GeneralSecurityException {
    GCMModeCipher cipher = init(true, key, nonce, aad);
    byte[] out = new byte[cipher.getOutputSize(plaintext.length)];
    int n = cipher.processBytes(plaintext, 0, plaintext.length, out, 0);
    try {
      cipher.doFinal(out, n);
    } catch (InvalidCipherTextException e) {
      throw new GeneralSecurityException("encryption failed", e);
    }
    return out;
  }

  /** Returns the whole plaintext or throws; output of a failed decryption is wiped, never returned. */
  public static byte[] decrypt(byte[] key, byte[] nonce, byte[] aad, byte[] ciphertext)
      throws GeneralSecurityException {
    if (ciphertext.length < TAG_LENGTH) {
      throw new GeneralSecurityException("ciphertext too short");
    }
    GCMModeCipher cipher = init(false, key, nonce, aad);
    byte[] out = new byte[cipher.getOutputSize(ciphertext.length)];
    try {
      int n = cipher.processBytes(ciphertext, 0, ciphertext.length, out, 0);
      cipher.doFinal(out, n);
      return out;
    } catch (InvalidCipherTextException | RuntimeException e) {
      Bytes.wipe(out);
      throw new GeneralSecurityException("decryption failed");
    }
  }

  private static GCMModeCipher init(boolean encrypt, byte[] key, byte[] nonce, byte[] aad)
      throws GeneralSecurityException {
    if (key.length != KEY_LENGTH) {
      throw new GeneralSecurityException("AES-256-GCM needs a 32-byte key");
    }
    if (nonce.length != NONCE_LENGTH) {
      throw new GeneralSecurityException("AES-GCM needs a 12-byte nonce");
    }
    GCMModeCipher cipher = GCMBlockCipher.newInstance(AESEngine.newInstance());
    cipher.init(encrypt, new AEADParameters(new KeyParameter(key), TAG_LENGTH * 8, nonce, aad));
    return cipher;
  }
}

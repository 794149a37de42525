package org.haven.crypto.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Date;
import java.util.Iterator;
import java.util.List;
import org.bouncycastle.bcpg.ArmoredOutputStream;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.bcpg.sig.KeyFlags;
import org.bouncycastle.openpgp.PGPEncryptedDataGenerator;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPLiteralData;
import org.bouncycastle.openpgp.PGPLiteralDataGenerator;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPPublicKeyRingCollection;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.operator.bc.BcKeyFingerprintCalculator;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentVerifierBuilderProvider;
import org.bouncycastle.openpgp.operator.bc.BcPGPDataEncryptorBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPublicKeyKeyEncryptionMethodGenerator;

/**
 * OpenPGP (RFC 4880) encryption with Bouncy Castle's bcpg lightweight operators: one public-key
 * encrypted session key packet, a symmetrically encrypted integrity-protected data packet
 * (version 1, AES-256, MDC) holding one binary literal data packet, ASCII armored without a
 * Version header. That is what GnuPG 2.2 and later decrypt.
 */
public final class OpenPgp {
  private OpenPgp() {}

  public static String encrypt(byte[] data, String fileName, String armoredPublicKey)
      throws GeneralSecurityException {
    PGPPublicKey key = encryptionKey(armoredPublicKey);
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (ArmoredOutputStream armor = ArmoredOutputStream.builder().clearHeaders().build(bytes)) {
        PGPEncryptedDataGenerator generator = new PGPEncryptedDataGenerator(
            new BcPGPDataEncryptorBuilder(SymmetricKeyAlgorithmTags.AES_256)
                .setWithIntegrityPacket(true)
                .setSecureRandom(Bytes.secureRandom()));
        generator.addMethod(new BcPublicKeyKeyEncryptionMethodGenerator(key)
            .setSecureRandom(Bytes.secureRandom()));
        try (OutputStream encrypted = generator.open(armor, new byte[1 << 16])) {
          PGPLiteralDataGenerator literal = new PGPLiteralDataGenerator();
          try (OutputStream out = literal.open(encrypted, PGPLiteralData.BINARY, fileName,
              data.length, new Date())) {
            out.write(data);
          }
        }
      }
      return bytes.toString(StandardCharsets.US_ASCII);
    } catch (IOException | PGPException | RuntimeException e) {
      throw new GeneralSecurityException("OpenPGP encryption failed", e);
    }
  }

  /**
   * The one valid encryption key of the single key ring in {@code armored}: a subkey whose binding
   * signature verifies, that is not revoked or expired and whose flags allow encryption; else the
   * primary key if its algorithm can encrypt.
   */
  static PGPPublicKey encryptionKey(String armored) throws GeneralSecurityException {
    PGPPublicKeyRing ring = singleRing(armored);
    PGPPublicKey master = ring.getPublicKey();
    if (master.hasRevocation()) {
      throw new GeneralSecurityException("OpenPGP key is revoked");
    }
    List<PGPPublicKey> candidates = new ArrayList<>();
    for (Iterator<PGPPublicKey> it = ring.getPublicKeys(); it.hasNext(); ) {
      PGPPublicKey sub = it.next();
      if (!sub.isMasterKey() && sub.isEncryptionKey() && !sub.hasRevocation()
          && validBinding(master, sub)) {
        candidates.add(sub);
      }
    }
    if (!candidates.isEmpty()) {
      return candidates.get(candidates.size() - 1);
    }
    if (master.isEncryptionKey() && !expired(master, 0)) {
      return master;
    }
    throw new GeneralSecurityException("OpenPGP key has no usable encryption key");
  }

  private static PGPPublicKeyRing singleRing(String armored) throws GeneralSecurityException {
    if (armored == null || armored.isBlank()) {
      throw new GeneralSecurityException("OpenPGP public key is empty");
    }
    String header = "-----BEGIN PGP PUBLIC KEY BLOCK-----";
    int first = armored.indexOf(header);
    if (first < 0 || armored.indexOf(header, first + 1) >= 0) {
      // The armor decoder would silently read only the first block: refuse ambiguity.
      throw new GeneralSecurityException("expected exactly one armored OpenPGP public key block");
    }
    try (InputStream in = PGPUtil.getDecoderStream(
        new ByteArrayInputStream(armored.getBytes(StandardCharsets.US_ASCII)))) {
      PGPPublicKeyRingCollection rings =
          new PGPPublicKeyRingCollection(in, new BcKeyFingerprintCalculator());
      if (rings.size() != 1) {
        throw new GeneralSecurityException("expected exactly one OpenPGP public key, got "
            + rings.size());
      }
      return rings.getKeyRings().next();
    } catch (IOException | PGPException | RuntimeException e) {
      throw new GeneralSecurityException("not an OpenPGP public key", e);
    }
  }

  private static boolean validBinding(PGPPublicKey master, PGPPublicKey sub) {
    for (Iterator<PGPSignature> it = sub.getSignaturesOfType(PGPSignature.SUBKEY_BINDING);
        it.hasNext(); ) {
      PGPSignature sig = it.next();
      try {
        sig.init(new BcPGPContentVerifierBuilderProvider(), master);
        if (!sig.verifyCertification(master, sub)) {
          continue;
        }
      } catch (PGPException | RuntimeException e) {
        continue;
      }
      long keyExpiry = 0;
      if (sig.getHashedSubPackets() != null) {
        int flags = sig.getHashedSubPackets().getKeyFlags();
        if (flags != 0 && (flags & (KeyFlags.ENCRYPT_COMMS | KeyFlags.ENCRYPT_STORAGE)) == 0) {
          continue;
        }
        keyExpiry = sig.getHashedSubPackets().getKeyExpirationTime();
      }
      if (!expired(sub, keyExpiry)) {
        return true;
      }
    }
    return false;
  }

  private static boolean expired(PGPPublicKey key, long bindingExpirySeconds) {
    long seconds = bindingExpirySeconds != 0 ? bindingExpirySeconds : key.getValidSeconds();
    if (seconds <= 0) {
      return false;
    }
    return key.getCreationTime().getTime() + seconds * 1000L < System.currentTimeMillis();
  }
}

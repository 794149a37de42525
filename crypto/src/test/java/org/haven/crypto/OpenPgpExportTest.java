package org.haven.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import org.bouncycastle.openpgp.PGPEncryptedDataList;
import org.bouncycastle.openpgp.PGPPublicKeyEncryptedData;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.bc.BcPGPObjectFactory;
import org.junit.jupiter.api.Test;

/** OpenPGP export checks that need no gpg binary; {@link OpenPgpGpgTest} decrypts with gpg. */
class OpenPgpExportTest {
  /** Encryption subkey id of the fixture key (gpg --list-keys: sub cv25519 353A0D8B9FBC9480). */
  private static final long FIXTURE_SUBKEY = 0x353A0D8B9FBC9480L;

  static String resource(String name) throws IOException {
    try (InputStream in = OpenPgpExportTest.class.getResourceAsStream("/openpgp/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    }
  }

  /** Verifies that the armored message has one session key packet, for the encryption subkey. */
  @Test
  void testEncryptTargetsEncryptionSubkey() throws Exception {
    String armored = OpenPgpExport.encrypt("{\"case\":42}".getBytes(StandardCharsets.UTF_8),
        "case-42.json", resource("lawyer-public.asc"));
    assertTrue(armored.startsWith("-----BEGIN PGP MESSAGE-----"), armored);
    assertTrue(armored.strip().endsWith("-----END PGP MESSAGE-----"));
    try (InputStream in = PGPUtil.getDecoderStream(
        new ByteArrayInputStream(armored.getBytes(StandardCharsets.US_ASCII)))) {
      PGPEncryptedDataList list =
          assertInstanceOf(PGPEncryptedDataList.class, new BcPGPObjectFactory(in).nextObject());
      assertEquals(1, list.size());
      PGPPublicKeyEncryptedData data = (PGPPublicKeyEncryptedData) list.get(0);
      assertEquals(FIXTURE_SUBKEY, data.getKeyIdentifier().getKeyId());
      assertTrue(list.isIntegrityProtected());
    }
  }

  /** Verifies that garbage, two keys, and a sign-only key are refused with the checked exception. */
  @Test
  void testEncryptFailsForUnusableKey() throws Exception {
    byte[] data = {1, 2, 3};
    String lawyer = resource("lawyer-public.asc");
    String signOnly = resource("sign-only-public.asc");
    for (String key : new String[] {"", "not a key", lawyer.substring(0, 200), lawyer + signOnly,
        signOnly}) {
      assertThrows(GeneralSecurityException.class, () -> OpenPgpExport.encrypt(data, "f", key),
          key.length() > 40 ? key.substring(0, 40) + "... length " + key.length() : key);
    }
  }
}

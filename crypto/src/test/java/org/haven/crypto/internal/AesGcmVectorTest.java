package org.haven.crypto.internal;

import static org.haven.crypto.internal.VectorFile.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.security.GeneralSecurityException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** AES-256-GCM known answers through {@link AesGcm}. */
class AesGcmVectorTest {
  /** Verifies that GCM test cases 13 and 14 match both ways and a flipped tag bit fails. */
  @Test
  void testAesGcmMatchesVectors() throws Exception {
    for (Map<String, String> r : VectorFile.read("gcm-aes256.txt")) {
      byte[] ct = AesGcm.encrypt(hex(r, "key"), hex(r, "nonce"), hex(r, "aad"), hex(r, "pt"));
      assertEquals(r.get("ct_tag"), Bytes.hex(ct));
      assertArrayEquals(hex(r, "pt"), AesGcm.decrypt(hex(r, "key"), hex(r, "nonce"), hex(r, "aad"), ct));
      ct[ct.length - 1] ^= 1;
      assertThrows(GeneralSecurityException.class,
          () -> AesGcm.decrypt(hex(r, "key"), hex(r, "nonce"), hex(r, "aad"), ct));
    }
  }
}

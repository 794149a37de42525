package org.haven.gateway.keys;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.haven.gateway.config.ConfigException;
import org.haven.gateway.config.ConfigLoader;
import org.haven.gateway.outbox.Outbox;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where the server's keys come from: the data dir on one node, a shared value or file on several.
 */
class ServerSecretsTest {

    /**
     * Verifies that two instances given the same HAVEN_SERVER_KEYS read each other's ciphertext and
     * hash alike.
     */
    @Test
    void testSameSharedKeysOnTwoInstancesInteroperate(@TempDir Path dir) throws Exception {
        String shared = ServerSecrets.generateBase64();
        ServerSecrets a =
                ServerSecrets.resolve(
                        Optional.of(shared), Optional.empty(), dir.resolve("a/server-keys"));
        ServerSecrets b =
                ServerSecrets.resolve(
                        Optional.of(shared), Optional.empty(), dir.resolve("b/server-keys"));
        UUID id = UUID.randomUUID();
        byte[] sealed =
                a.keyring()
                        .encrypt("state".getBytes(StandardCharsets.UTF_8), Outbox.aad("state", id));
        assertArrayEquals(
                "state".getBytes(StandardCharsets.UTF_8),
                b.keyring().decrypt(sealed, Outbox.aad("state", id)));
        assertArrayEquals(
                a.contactHash().hash("webchat|token"), b.contactHash().hash("webchat|token"));
        assertFalse(
                Files.exists(dir.resolve("a")), "a key file was written although keys were given");
    }

    /**
     * Verifies that gateways given the same server keys derive the same audit key, that it is not
     * the contact hash's key, and that other server keys give another.
     */
    @Test
    void testAuditKeyIsSharedAndSeparate(@TempDir Path dir) throws Exception {
        String shared = ServerSecrets.generateBase64();
        ServerSecrets a =
                ServerSecrets.resolve(
                        Optional.of(shared), Optional.empty(), dir.resolve("a/server-keys"));
        ServerSecrets b =
                ServerSecrets.resolve(
                        Optional.of(shared), Optional.empty(), dir.resolve("b/server-keys"));
        byte[] entry = "haven-audit-v2 entry".getBytes(StandardCharsets.UTF_8);
        assertArrayEquals(a.auditKey().hash(entry), b.auditKey().hash(entry));
        assertFalse(Arrays.equals(a.auditKey().hash(entry), a.contactHash().hash(entry)));
        ServerSecrets other = ServerSecrets.fromBase64(ServerSecrets.generateBase64());
        assertFalse(Arrays.equals(a.auditKey().hash(entry), other.auditKey().hash(entry)));
    }

    /**
     * Verifies that HAVEN_SERVER_KEYS_FILE takes a single node's key file as it is, or its base64
     * text.
     */
    @Test
    void testKeysFileMayBeBinaryOrBase64(@TempDir Path dir) throws Exception {
        Path binary = dir.resolve("node/server-keys");
        ServerSecrets original = ServerSecrets.loadOrCreate(binary);
        Path text = dir.resolve("server-keys.b64");
        Files.writeString(
                text, Base64.getEncoder().encodeToString(Files.readAllBytes(binary)) + "\n");
        UUID id = UUID.randomUUID();
        byte[] sealed = original.keyring().encrypt(new byte[] {1, 2, 3}, Outbox.aad("x", id));
        for (Path f : new Path[] {binary, text}) {
            ServerSecrets s =
                    ServerSecrets.resolve(Optional.empty(), Optional.of(f), dir.resolve("unused"));
            assertArrayEquals(
                    new byte[] {1, 2, 3},
                    s.keyring().decrypt(sealed, Outbox.aad("x", id)),
                    f.toString());
        }
        assertFalse(Files.exists(dir.resolve("unused")));
    }

    /**
     * Verifies that a missing keys file or a value that is not a key file stops the start, instead
     * of making new keys.
     */
    @Test
    void testMissingOrBadSharedKeysAreRefused(@TempDir Path dir) throws Exception {
        assertThrows(
                GeneralSecurityException.class,
                () ->
                        ServerSecrets.resolve(
                                Optional.empty(),
                                Optional.of(dir.resolve("absent")),
                                dir.resolve("default")));
        assertThrows(
                GeneralSecurityException.class,
                () ->
                        ServerSecrets.resolve(
                                Optional.of("bm90IGEga2V5IGZpbGU="),
                                Optional.empty(),
                                dir.resolve("default")));
        assertThrows(
                GeneralSecurityException.class,
                () ->
                        ServerSecrets.resolve(
                                Optional.of("!!!"), Optional.empty(), dir.resolve("default")));
        assertFalse(Files.exists(dir.resolve("default")));
    }

    /**
     * Verifies that setting both HAVEN_SERVER_KEYS and HAVEN_SERVER_KEYS_FILE is refused without
     * echoing the keys.
     */
    @Test
    void testConfigRefusesBothKeySettings() throws Exception {
        String keys = ServerSecrets.generateBase64();
        ConfigException e =
                assertThrows(
                        ConfigException.class,
                        () ->
                                ConfigLoader.load(
                                        Map.of(
                                                "HAVEN_SERVER_KEYS",
                                                keys,
                                                "HAVEN_SERVER_KEYS_FILE",
                                                "/x"),
                                        null));
        assertFalse(e.getMessage().contains(keys));
        assertTrue(
                ConfigLoader.load(Map.of("HAVEN_SERVER_KEYS", keys), null)
                        .settings()
                        .get("server_keys")
                        .isPresent());
        assertFalse(
                ConfigLoader.load(Map.of("HAVEN_SERVER_KEYS", keys), null)
                        .toString()
                        .contains(keys));
    }
}

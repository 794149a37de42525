package org.haven.gateway.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.haven.gateway.Haven;
import org.haven.gateway.support.InboxClient;
import org.haven.gateway.support.IntakeDriver;
import org.haven.gateway.support.TestHaven;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An external PostgreSQL that accepts TLS only (ssl=on; pg_hba allows hostssl and rejects every
 * connection without TLS), with a certificate from a test authority made with openssl.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class DatabaseTlsTest {
    private static final String PASSWORD = "tls+pass word";

    /**
     * Verifies that with {@code sslmode=verify-full} and the authority's certificate, Flyway and
     * the pool both connect and an intake reaches the case table; that the password's '+' is a plus
     * sign; that without sslmode the gateway does not start (the server refuses plain connections:
     * before, {@code ?sslmode=require} was dropped and Flyway's plain connection was all there
     * was); and that verify-full refuses a host name the certificate does not name while verify-ca
     * accepts it.
     */
    @Test
    void testTlsOnlyServerIsReachedWithVerifyFullAndRefusedWithoutTls(
            @TempDir Path pki,
            @TempDir Path pgDir,
            @TempDir Path dataA,
            @TempDir Path dataB,
            @TempDir Path dataC,
            @TempDir Path dataD)
            throws Exception {
        makeCertificates(pki);
        Path hba = pki.resolve("pg_hba.conf");
        Files.writeString(
                hba,
                String.join(
                        "\n",
                        "hostssl all postgres 127.0.0.1/32 trust",
                        "hostssl all all 127.0.0.1/32 scram-sha-256",
                        "hostnossl all all 0.0.0.0/0 reject",
                        ""));
        int port = EmbeddedPort.free();
        try (EmbeddedPostgres db =
                EmbeddedPostgres.builder()
                        .setDataDirectory(pgDir)
                        .setPort(port)
                        .setServerConfig("listen_addresses", "127.0.0.1")
                        .setServerConfig("ssl", "on")
                        .setServerConfig("ssl_cert_file", pki.resolve("server.pem").toString())
                        .setServerConfig("ssl_key_file", pki.resolve("server.key").toString())
                        .setServerConfig("hba_file", hba.toString())
                        .setConnectConfig("sslmode", "require")
                        .start()) {
            try (Connection c =
                            DriverManager.getConnection(
                                    "jdbc:postgresql://127.0.0.1:"
                                            + port
                                            + "/postgres?sslmode=require",
                                    "postgres",
                                    "");
                    Statement st = c.createStatement()) {
                st.execute("CREATE ROLE haven LOGIN PASSWORD '" + PASSWORD + "'");
                st.execute("CREATE DATABASE haven OWNER haven");
            }
            String ca = pki.resolve("ca.pem").toString();
            String base = "postgresql://haven:tls+pass%20word@localhost:" + port + "/haven";

            try (Haven haven =
                    TestHaven.start(
                            dataA,
                            Map.of(
                                    "HAVEN_DB_URL",
                                    base + "?sslmode=verify-full&sslrootcert=" + ca))) {
                TestHaven.setUpAdmin(haven);
                String marker = "tls-" + UUID.randomUUID();
                IntakeDriver.completeIntake(haven.port(), marker);
                InboxClient admin = TestHaven.loggedIn(haven);
                assertTrue(
                        admin.get("/inbox").body().contains("/inbox/cases/"),
                        "the case did not reach the inbox");
                assertEquals(200, new InboxClient(haven.port()).get("/health").statusCode());
            }
            String plain =
                    causes(
                            assertThrows(
                                    Exception.class,
                                    () ->
                                            TestHaven.start(dataB, Map.of("HAVEN_DB_URL", base))
                                                    .close(),
                                    "a gateway started against a TLS-only server without TLS"));
            assertTrue(plain.contains("no encryption"), "refused for another reason: " + plain);
            String byAddress = "postgresql://haven:tls+pass%20word@127.0.0.1:" + port + "/haven";
            String named =
                    causes(
                            assertThrows(
                                    Exception.class,
                                    () ->
                                            TestHaven.start(
                                                            dataC,
                                                            Map.of(
                                                                    "HAVEN_DB_URL",
                                                                    byAddress
                                                                            + "?sslmode=verify-full&sslrootcert="
                                                                            + ca))
                                                    .close(),
                                    "verify-full accepted a certificate that does not name 127.0.0.1"));
            assertTrue(
                    named.contains("127.0.0.1") && named.toLowerCase(Locale.ROOT).contains("verif"),
                    "refused for another reason: " + named);
            // another gateway of the same cluster: the same server keys (ServerKeysCheck refuses
            // others)
            try (Haven haven =
                    TestHaven.start(
                            dataD,
                            Map.of(
                                    "HAVEN_DB_URL",
                                    byAddress + "?sslmode=verify-ca&sslrootcert=" + ca,
                                    "HAVEN_SERVER_KEYS_FILE",
                                    dataA.resolve("secrets").resolve("server-keys").toString()))) {
                assertEquals(200, new InboxClient(haven.port()).get("/health").statusCode());
            }
        }
    }

    /** The messages of an exception and its causes, one per line. */
    private static String causes(Throwable t) {
        StringBuilder b = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            b.append(c.getClass().getSimpleName()).append(": ").append(c.getMessage()).append('\n');
        }
        return b.toString();
    }

    /** A test authority, and a server certificate it signed for the name localhost only. */
    private static void makeCertificates(Path dir) throws Exception {
        Files.writeString(dir.resolve("server.ext"), "subjectAltName=DNS:localhost\n");
        run(
                dir,
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "2",
                "-subj",
                "/CN=Haven test CA",
                "-addext",
                "basicConstraints=critical,CA:TRUE",
                "-addext",
                "keyUsage=critical,keyCertSign,cRLSign",
                "-keyout",
                "ca.key",
                "-out",
                "ca.pem");
        run(
                dir,
                "openssl",
                "req",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-subj",
                "/CN=localhost",
                "-keyout",
                "server.key",
                "-out",
                "server.csr");
        run(
                dir,
                "openssl",
                "x509",
                "-req",
                "-in",
                "server.csr",
                "-CA",
                "ca.pem",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-days",
                "2",
                "-extfile",
                "server.ext",
                "-out",
                "server.pem");
        Files.setPosixFilePermissions(
                dir.resolve("server.key"), PosixFilePermissions.fromString("rw-------"));
    }

    private static void run(Path dir, String... command) throws Exception {
        Process p =
                new ProcessBuilder(List.of(command))
                        .directory(dir.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(dir.resolve("openssl.log").toFile())
                        .start();
        assertTrue(
                p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0,
                String.join(" ", command) + ": " + Files.readString(dir.resolve("openssl.log")));
    }
}

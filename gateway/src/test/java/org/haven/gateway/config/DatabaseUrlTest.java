package org.haven.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.pgclient.SslMode;
import org.haven.gateway.store.Database;
import org.junit.jupiter.api.Test;

class DatabaseUrlTest {

    /**
     * Verifies that parts are decoded as libpq decodes them: a '+' in a password is a plus sign (it
     * was read as a space, so a correct password was refused), %XX is a byte of UTF-8.
     */
    @Test
    void testPartsAreDecodedAsLibpqDecodesThem() {
        DatabaseUrl url =
                DatabaseUrl.parse(
                        "postgresql://ha%20ven:se+cr%2Bet%C3%A9@db.example.org:6432/haven+db");
        assertEquals("ha ven", url.user());
        assertEquals("se+cr+eté", url.password());
        assertEquals("haven+db", url.database());
        assertEquals(6432, url.port());
        assertThrows(
                IllegalArgumentException.class,
                () -> DatabaseUrl.parse("postgresql://u:bad%zz@h/d"));
        assertThrows(
                IllegalArgumentException.class,
                () -> DatabaseUrl.parse("postgresql://u:bad%2@h/d"));
    }

    /**
     * Verifies that sslmode and sslrootcert reach JDBC (Flyway) and the pool alike, and that a
     * setting Haven does not apply is refused, never dropped silently (sslmode=require was).
     */
    @Test
    void testTlsSettingsReachBothClientsAndUnknownOnesAreRefused() {
        DatabaseUrl none = DatabaseUrl.parse("postgresql://u:p@h/d");
        assertEquals("disable", none.sslMode());
        assertEquals(SslMode.DISABLE, Database.connectOptions(none).getSslMode());
        assertTrue(none.jdbcUrl().endsWith("?sslmode=disable"), none.jdbcUrl());

        DatabaseUrl require = DatabaseUrl.parse("postgresql://u:p@h/d?sslmode=require");
        assertEquals(SslMode.REQUIRE, Database.connectOptions(require).getSslMode());
        assertTrue(
                Database.connectOptions(require).getSslOptions().isTrustAll(),
                "libpq's require checks no certificate");
        assertTrue(require.jdbcUrl().contains("sslmode=require"));

        DatabaseUrl full =
                DatabaseUrl.parse(
                        "postgresql://u:p@h/d?sslmode=verify-full&sslrootcert=/etc/haven/db%20ca.pem");
        assertEquals(SslMode.VERIFY_FULL, Database.connectOptions(full).getSslMode());
        assertFalse(Database.connectOptions(full).getSslOptions().isTrustAll());
        assertEquals("/etc/haven/db ca.pem", full.sslRootCert());
        assertTrue(
                full.jdbcUrl()
                        .contains("sslmode=verify-full&sslrootcert=%2Fetc%2Fhaven%2Fdb+ca.pem"),
                full.jdbcUrl());
        assertNull(none.sslRootCert());

        assertThrows(
                IllegalArgumentException.class,
                () -> DatabaseUrl.parse("postgresql://u:p@h/d?sslmode=verify-full"),
                "verify-full without an authority to verify against");
        assertThrows(
                IllegalArgumentException.class,
                () -> DatabaseUrl.parse("postgresql://u:p@h/d?sslmode=prefer"));
        IllegalArgumentException unknown =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> DatabaseUrl.parse("postgresql://u:secret-pw@h/d?ssl=true"));
        assertTrue(
                unknown.getMessage().contains("'ssl'")
                        && !unknown.getMessage().contains("secret-pw"),
                unknown.getMessage());
        assertFalse(full.toString().contains("p@"), full.toString());
    }
}

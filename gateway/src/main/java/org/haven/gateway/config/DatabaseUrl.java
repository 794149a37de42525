package org.haven.gateway.config;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

/**
 * An external PostgreSQL given as {@code postgresql://user:password@host:port/database}, with
 * libpq's {@code sslmode} and {@code sslrootcert} as query parameters ({@code
 * ?sslmode=verify-full&sslrootcert=/etc/haven/db-ca.pem}). Flyway (JDBC, {@link #jdbcUrl()}) and
 * the connection pool (Vert.x, {@code store.Database.connectOptions}) connect the same way. Parts
 * are percent-decoded as libpq decodes them: a {@code +} stays a plus sign. The password never
 * appears in {@link #toString()}.
 *
 * @param sslMode one of {@code disable} (the default: no TLS), {@code require} (TLS, the server's
 *     certificate not checked unless {@code sslrootcert} is given, as in libpq), {@code verify-ca}
 *     (TLS, the certificate signed by {@code sslrootcert}), {@code verify-full} (that, and the
 *     certificate names {@code host})
 * @param sslRootCert a PEM file of the certificate authorities to trust, or null
 */
public record DatabaseUrl(
        String host,
        int port,
        String database,
        String user,
        String password,
        String sslMode,
        String sslRootCert) {
    private static final Set<String> MODES =
            Set.of("disable", "require", "verify-ca", "verify-full");

    /** A URL without TLS settings (no TLS). */
    public DatabaseUrl(String host, int port, String database, String user, String password) {
        this(host, port, database, user, password, "disable", null);
    }

    /**
     * Parses a database URL.
     *
     * @throws IllegalArgumentException with a message that does not repeat the password
     */
    public static DatabaseUrl parse(String text) {
        URI uri;
        try {
            uri = new URI(text.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(
                    "is not a URL of the form postgresql://user:password@host:port/database");
        }
        if (!"postgresql".equals(uri.getScheme()) && !"postgres".equals(uri.getScheme())) {
            throw new IllegalArgumentException("must start with postgresql://");
        }
        if (uri.getHost() == null || uri.getHost().isBlank()) {
            throw new IllegalArgumentException("names no host");
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        if (path.length() < 2) {
            throw new IllegalArgumentException("names no database (…/database)");
        }
        String userInfo = uri.getRawUserInfo();
        if (userInfo == null || userInfo.isEmpty()) {
            throw new IllegalArgumentException("names no user (postgresql://user:password@…)");
        }
        int colon = userInfo.indexOf(':');
        String user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
        String password = colon < 0 ? "" : decode(userInfo.substring(colon + 1));
        int port = uri.getPort() < 0 ? 5432 : uri.getPort();
        String sslMode = "disable";
        String rootCert = null;
        String query = uri.getRawQuery();
        if (query != null && !query.isEmpty()) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                String name = decode(eq < 0 ? pair : pair.substring(0, eq));
                String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
                switch (name) {
                    case "sslmode" -> {
                        sslMode = value.toLowerCase(Locale.ROOT);
                        if (!MODES.contains(sslMode)) {
                            throw new IllegalArgumentException(
                                    "sslmode must be one of disable, require, verify-ca, verify-full");
                        }
                    }
                    case "sslrootcert" -> rootCert = value;
                    // never dropped silently: a setting Haven does not apply would look applied
                    default ->
                            throw new IllegalArgumentException(
                                    "has a parameter Haven does not know ('"
                                            + name
                                            + "'); it knows sslmode and sslrootcert");
                }
            }
        }
        if (sslMode.startsWith("verify") && rootCert == null) {
            throw new IllegalArgumentException(
                    "sslmode="
                            + sslMode
                            + " needs sslrootcert (the PEM file of the authority that signed the server's certificate)");
        }
        return new DatabaseUrl(
                uri.getHost(), port, decode(path.substring(1)), user, password, sslMode, rootCert);
    }

    /**
     * The JDBC URL Flyway migrates through (credentials passed separately), with the same TLS
     * settings.
     */
    public String jdbcUrl() {
        StringBuilder url =
                new StringBuilder("jdbc:postgresql://")
                        .append(host)
                        .append(':')
                        .append(port)
                        .append('/')
                        .append(
                                URLEncoder.encode(database, StandardCharsets.UTF_8)
                                        .replace("+", "%20"))
                        .append("?sslmode=")
                        .append(sslMode);
        if (sslRootCert != null) {
            url.append("&sslrootcert=")
                    .append(URLEncoder.encode(sslRootCert, StandardCharsets.UTF_8));
        }
        return url.toString();
    }

    /** libpq's percent-decoding: %XX only; a '+' is a plus sign, not a space (unlike a form). */
    private static String decode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int i = 0;
        while (i < s.length()) {
            int pct = s.indexOf('%', i);
            int end = pct < 0 ? s.length() : pct;
            byte[] plain = s.substring(i, end).getBytes(StandardCharsets.UTF_8);
            out.write(plain, 0, plain.length);
            if (pct < 0) {
                break;
            }
            int hi = pct + 2 < s.length() ? Character.digit(s.charAt(pct + 1), 16) : -1;
            int lo = pct + 2 < s.length() ? Character.digit(s.charAt(pct + 2), 16) : -1;
            if (hi < 0 || lo < 0) {
                throw new IllegalArgumentException(
                        "has a '%' that is not followed by two hex digits");
            }
            out.write(hi * 16 + lo);
            i = pct + 3;
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "postgresql://"
                + user
                + ":<redacted>@"
                + host
                + ":"
                + port
                + "/"
                + database
                + (sslMode.equals("disable") ? "" : "?sslmode=" + sslMode);
    }
}

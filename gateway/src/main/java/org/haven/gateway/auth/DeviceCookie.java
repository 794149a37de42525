package org.haven.gateway.auth;

import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import org.haven.crypto.KeyedHash;

/**
 * A browser's proof that it logged into an account lately, so that guesses at that account from
 * elsewhere do not lock it out ({@link LoginThrottle}). Set at every successful login, for {@link
 * #LIFETIME}; one per browser (the last account that logged in on it).
 *
 * <p>Value: {@code <device>.<issued>.<mac>}, where {@code device} is 16 random bytes (base64url),
 * {@code issued} the epoch second, and {@code mac} the HMAC-SHA256 (under a key derived from the
 * server's hash secret for {@value #PURPOSE}) of the username, the device and the issued time,
 * base64url. The username is not in the cookie: it is checked against the one being logged into.
 */
final class DeviceCookie {
    static final String NAME = "haven_device";
    static final String PURPOSE = "haven/device-cookie/v1";

    /** How long a device counts as the account's after its last successful login. */
    static final Duration LIFETIME = Duration.ofDays(30);

    private final KeyedHash key;
    private final Clock clock;
    private final boolean secure;
    private final SecureRandom random = new SecureRandom();

    DeviceCookie(KeyedHash hashSecret, Clock clock, boolean secure) {
        this.key = hashSecret.derive(PURPOSE);
        this.clock = clock;
        this.secure = secure;
    }

    /**
     * The device key ({@code device:...}) when the request holds a live device cookie of {@code
     * username}.
     */
    Optional<String> device(RoutingContext ctx, String username) {
        Cookie c = ctx.request().getCookie(NAME);
        if (c == null) {
            return Optional.empty();
        }
        String[] parts = c.getValue().split("\\.", -1);
        if (parts.length != 3
                || !parts[0].matches("[A-Za-z0-9_-]{22}")
                || !parts[1].matches("\\d{1,12}")) {
            return Optional.empty();
        }
        byte[] expected = mac(username, parts[0], parts[1]).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, parts[2].getBytes(StandardCharsets.US_ASCII))) {
            return Optional.empty();
        }
        long age = clock.instant().getEpochSecond() - Long.parseLong(parts[1]);
        return age >= 0 && age <= LIFETIME.toSeconds()
                ? Optional.of("device:" + parts[0])
                : Optional.empty();
    }

    /** Sets a fresh device cookie of {@code username} (after its successful login). */
    void set(RoutingContext ctx, String username) {
        byte[] b = new byte[16];
        random.nextBytes(b);
        String device = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
        String issued = Long.toString(clock.instant().getEpochSecond());
        ctx.response()
                .addCookie(
                        Cookie.cookie(
                                        NAME,
                                        device + "." + issued + "." + mac(username, device, issued))
                                .setPath("/inbox")
                                .setMaxAge(LIFETIME.toSeconds())
                                .setHttpOnly(true)
                                .setSameSite(CookieSameSite.STRICT)
                                .setSecure(secure));
    }

    private String mac(String username, String device, String issued) {
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(key.hash(username + "\n" + device + "\n" + issued));
    }
}

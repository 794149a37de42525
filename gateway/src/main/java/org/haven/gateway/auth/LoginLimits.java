package org.haven.gateway.auth;

import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.haven.crypto.KeyedHash;
import org.haven.gateway.http.ClientAddress;

/**
 * What stands between a request and a passphrase check, for logins and passphrase re-entry alike:
 * the guess counts ({@link LoginThrottle}), the device cookie that keeps an account's own browsers
 * out of the per-account count ({@link DeviceCookie}), and the bounded passphrase pool ({@link
 * PassphraseWork}).
 */
public final class LoginLimits {
    /** Retry-After of a 503 from a full passphrase queue, in seconds. */
    static final int BUSY_RETRY_SECONDS = 5;

    private final LoginThrottle throttle;
    private final DeviceCookie devices;
    private final PassphraseWork work;
    private final RefusalPace pace;

    public LoginLimits(Vertx vertx, KeyedHash hashSecret, Clock clock, boolean secureCookies) {
        this.throttle = new LoginThrottle(clock);
        this.pace = new RefusalPace(clock);
        this.devices = new DeviceCookie(hashSecret, clock, secureCookies);
        this.work = PassphraseWork.of(vertx);
    }

    /**
     * Who a request checking {@code username}'s passphrase counts as: its device (if the
     * account's), else its address.
     */
    record Client(String key, boolean knownDevice) {}

    Client client(RoutingContext ctx, String username) {
        Optional<String> device = devices.device(ctx, username);
        return device.map(d -> new Client(d, true))
                .orElseGet(() -> new Client(ClientAddress.of(ctx), false));
    }

    /**
     * Counts an attempt at {@code username}'s passphrase by {@code client}, if the limits allow it.
     */
    LoginThrottle.Attempt begin(Client client, String username) {
        return throttle.begin(client.key(), username, client.knownDevice());
    }

    /** Marks the request's browser as one {@code username} logged in from. */
    void remember(RoutingContext ctx, String username) {
        devices.set(ctx, username);
    }

    PassphraseWork work() {
        return work;
    }

    /**
     * Ends {@code client}'s refused login: {@code status} (429 or 503), {@code Retry-After}, and
     * the page, at once if it is the client's first refusal lately, else paced ({@link
     * RefusalPace}).
     */
    RefusalPace.Pace refuse(
            RoutingContext ctx, Client client, int status, Duration retryAfter, String document) {
        return pace.answer(
                ctx,
                client.key(),
                () -> {
                    ctx.response()
                            .putHeader(
                                    "Retry-After",
                                    Long.toString(Math.max(1, retryAfter.toSeconds())));
                    SessionGuard.html(ctx, status, document);
                });
    }

    /**
     * Ends {@code client}'s login whose passphrase check the pool turned away ({@link
     * PassphraseWork.Busy}).
     */
    RefusalPace.Pace busy(
            RoutingContext ctx, Client client, PassphraseWork.Busy busy, String document) {
        return refuse(
                ctx,
                client,
                busy.queueFull() ? 503 : 429,
                Duration.ofSeconds(BUSY_RETRY_SECONDS),
                document);
    }
}

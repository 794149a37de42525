package org.haven.gateway.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * How many passphrase guesses a login (or a passphrase re-entry) may make, counted per client and
 * per account.
 *
 * <p>An attempt is counted when it begins, before its passphrase is checked, and the check and the
 * count are one step: guesses sent at once are all counted, and the eleventh of them is refused
 * before any work. A success takes back only its own count; failures stay counted for their window.
 *
 * <ul>
 *   <li><b>Per client</b>: at most {@value #CLIENT_LIMIT} attempts in {@link #CLIENT_WINDOW}. A
 *       client is its address ({@code ClientAddress}), or, for a browser holding a device cookie of
 *       the account it logs into ({@link DeviceCookie}), that device: failures from others at the
 *       same address never stop it.
 *   <li><b>Per account</b>: at most {@value #ACCOUNT_LIMIT} attempts in {@link #ACCOUNT_WINDOW}
 *       from clients without such a cookie, known or unknown account alike: what a distributed
 *       guesser gets per account per hour. A device the account logged in from lately is not held
 *       back by it, and one client alone (at most {@value #CLIENT_LIMIT} per {@link
 *       #CLIENT_WINDOW}, so 40 an hour) cannot reach it: locking an account's new logins out takes
 *       several clients, guessing all hour, and still leaves its owner's usual devices in.
 * </ul>
 *
 * <p>Counts live in this gateway's memory, as they did before: with two gateways behind one proxy
 * an attacker gets each limit once per gateway.
 */
public final class LoginThrottle {
    /** Attempts one client may make in {@link #CLIENT_WINDOW}. */
    static final int CLIENT_LIMIT = 10;

    static final Duration CLIENT_WINDOW = Duration.ofMinutes(15);

    /**
     * Attempts on one account from clients it has not logged in from lately, in {@link
     * #ACCOUNT_WINDOW}.
     */
    static final int ACCOUNT_LIMIT = 50;

    static final Duration ACCOUNT_WINDOW = Duration.ofHours(1);

    /** Above this many keys a begin also drops the keys with nothing left in their window. */
    private static final int SWEEP_ABOVE = 10_000;

    static {
        // one client alone must not be able to reach the account limit within its window
        assert CLIENT_LIMIT * (ACCOUNT_WINDOW.toMinutes() / CLIENT_WINDOW.toMinutes())
                < ACCOUNT_LIMIT;
    }

    private final Map<String, Deque<Instant>> clients = new HashMap<>();
    private final Map<String, Deque<Instant>> accounts = new HashMap<>();
    private final Clock clock;

    public LoginThrottle(Clock clock) {
        this.clock = clock;
    }

    /**
     * One attempt's count. When admitted, {@link #succeeded()} takes the count back, {@link
     * #failed()} leaves it, and {@link #notChecked()} takes it back too (the passphrase was never
     * checked: the gateway was too busy). When refused, {@link #retryAfter()} says when to try
     * again.
     */
    public final class Attempt {
        private final String client;
        private final String account;
        private final Instant at;
        private final Duration retryAfter;

        private Attempt(String client, String account, Instant at, Duration retryAfter) {
            this.client = client;
            this.account = account;
            this.at = at;
            this.retryAfter = retryAfter;
        }

        /** Whether the passphrase may be checked. */
        public boolean admitted() {
            return retryAfter == null;
        }

        /** How long until a refused client may try again (at least a second). */
        public Duration retryAfter() {
            return retryAfter == null ? Duration.ZERO : retryAfter;
        }

        public void succeeded() {
            release();
        }

        public void notChecked() {
            release();
        }

        public void failed() {
            // stays counted until it leaves its window
        }

        private void release() {
            if (!admitted()) {
                return;
            }
            synchronized (LoginThrottle.this) {
                remove(clients, client, at);
                if (account != null) {
                    remove(accounts, account, at);
                }
            }
        }
    }

    /**
     * Counts an attempt to log into {@code account} (the username as typed, known or not) from
     * {@code client}, if the limits allow it.
     *
     * @param client the client's address ({@code ClientAddress.of}), or a device key from {@link
     *     DeviceCookie}
     * @param knownDevice whether {@code client} is a device that logged into {@code account} lately
     *     (not held back by the per-account limit)
     */
    public synchronized Attempt begin(String client, String account, boolean knownDevice) {
        Instant now = clock.instant();
        if (clients.size() + accounts.size() > SWEEP_ABOVE) {
            sweep(now);
        }
        Deque<Instant> byClient = window(clients, client, now, CLIENT_WINDOW);
        if (byClient.size() >= CLIENT_LIMIT) {
            return refused(byClient, CLIENT_WINDOW, now);
        }
        String key = knownDevice ? null : account;
        Deque<Instant> byAccount = key == null ? null : window(accounts, key, now, ACCOUNT_WINDOW);
        if (byAccount != null && byAccount.size() >= ACCOUNT_LIMIT) {
            return refused(byAccount, ACCOUNT_WINDOW, now);
        }
        byClient.addLast(now);
        if (byAccount != null) {
            byAccount.addLast(now);
        }
        return new Attempt(client, key, now, null);
    }

    private Attempt refused(Deque<Instant> q, Duration window, Instant now) {
        Duration wait = Duration.between(now, q.peekFirst().plus(window));
        return new Attempt(
                null,
                null,
                null,
                wait.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : wait);
    }

    private static Deque<Instant> window(
            Map<String, Deque<Instant>> map, String key, Instant now, Duration window) {
        Deque<Instant> q = map.computeIfAbsent(key, k -> new ArrayDeque<>());
        Instant cutoff = now.minus(window);
        while (!q.isEmpty() && !q.peekFirst().isAfter(cutoff)) {
            q.removeFirst();
        }
        return q;
    }

    private static void remove(Map<String, Deque<Instant>> map, String key, Instant at) {
        Deque<Instant> q = map.get(key);
        if (q != null) {
            q.removeLastOccurrence(at);
            if (q.isEmpty()) {
                map.remove(key);
            }
        }
    }

    private void sweep(Instant now) {
        Instant clientCutoff = now.minus(CLIENT_WINDOW);
        Instant accountCutoff = now.minus(ACCOUNT_WINDOW);
        clients.values().removeIf(q -> q.isEmpty() || !q.peekLast().isAfter(clientCutoff));
        accounts.values().removeIf(q -> q.isEmpty() || !q.peekLast().isAfter(accountCutoff));
    }
}

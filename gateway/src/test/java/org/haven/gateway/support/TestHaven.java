package org.haven.gateway.support;

import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.haven.crypto.KeyedHash;
import org.haven.gateway.Haven;
import org.haven.gateway.auth.Totp;
import org.haven.gateway.config.ConfigLoader;
import org.haven.gateway.config.DatabaseUrl;
import org.haven.gateway.keys.ServerSecrets;
import org.haven.gateway.store.Database;

/**
 * Starts a real Haven on a free port (on a database of its own in the shared test server unless
 * told otherwise, e.g. {@link #embedded}), and logs in like a person.
 */
public final class TestHaven {
    /** The passphrase of the administrator that {@link #setUpAdmin} creates. */
    public static final String ADMIN_PASSPHRASE = "correct horse battery staple";

    /** That administrator's username. */
    public static final String ADMIN = "ada";

    private static final Pattern KEY = Pattern.compile("id=\"totp-key\">([A-Z2-7]+)<");
    private static final Pattern RECOVERY =
            Pattern.compile("<li><code>([a-z0-9-]{19})</code></li>");
    private static final Map<String, Credentials> CREDENTIALS = new ConcurrentHashMap<>();

    /**
     * The data dirs of Havens started in this JVM, on {@link TestClock#SHARED}; any other runs
     * elsewhere, on real time.
     */
    private static final Set<String> IN_PROCESS = ConcurrentHashMap.newKeySet();

    /** What a test remembers of an account's second factor, like the person's phone would. */
    public static final class Credentials {
        final String username;
        volatile String passphrase;
        final byte[] secret;
        final Deque<String> recovery = new ArrayDeque<>();

        /**
         * The clock of the Haven that checks the codes: the shared test clock in-process, else the
         * system's.
         */
        final Clock clock;

        long lastStep;

        Credentials(String username, String passphrase, byte[] secret, Clock clock) {
            this.username = username;
            this.passphrase = passphrase;
            this.secret = secret;
            this.clock = clock;
        }

        /**
         * A code not used yet: the current or next TOTP step, else one of the first eight recovery
         * codes, else (like a person would) the next step's code after waiting for it. A Haven in
         * this JVM is not waited for: its clock ({@link TestClock#SHARED}) is moved on to the step
         * instead; a Haven in another process (a jar) runs on real time, so then the wait is real.
         */
        public synchronized String nextCode() {
            while (true) {
                long step = clock.instant().getEpochSecond() / 30;
                for (long s = step; s <= step + 1; s++) {
                    if (s > lastStep) {
                        lastStep = s;
                        return new Totp().code(secret, Instant.ofEpochSecond(s * 30));
                    }
                }
                if (recovery.size() > 2) {
                    return recovery.pop();
                }
                if (clock instanceof TestClock testClock) {
                    // the last code used is the next step's: make that step the current one
                    testClock.advanceTo(Instant.ofEpochSecond(lastStep * 30));
                    continue;
                }
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        }

        /** The TOTP secret (for tests that type codes into a browser). */
        public byte[] secret() {
            return secret;
        }
    }

    /**
     * The web chat's per-client limits, lifted: the tests are one client (127.0.0.1) opening many
     * sockets and conversations. Tests of those limits set their own.
     */
    public static final Map<String, String> NO_CLIENT_LIMITS =
            Map.of(
                    "HAVEN_WEBCHAT_MAX_SOCKETS_PER_CLIENT", "1000000",
                    "HAVEN_WEBCHAT_CONVERSATIONS_PER_MINUTE_PER_CLIENT", "1000000");

    /**
     * {@code extra} for a test of the embedded database itself (its files, its postmaster or its
     * password under the data dir): what Haven runs when {@code HAVEN_DB_URL} is not set.
     */
    public static Map<String, String> embedded(Map<String, String> extra) {
        return with(extra, "HAVEN_DB_URL", "");
    }

    /** {@code settings} with one more, or one replaced. */
    public static Map<String, String> with(
            Map<String, String> settings, String variable, String value) {
        Map<String, String> with = new HashMap<>(settings);
        with.put(variable, value);
        return with;
    }

    /**
     * The database of each data dir whose test named none: one of its own in the shared test server
     * ({@link TestPostgres}), kept for the Havens started again on that data dir. Initialising an
     * embedded server for each of the suite's hundred starts took seconds each.
     */
    private static final Map<String, String> DATABASES = new ConcurrentHashMap<>();

    /** A database migrated once, copied for each new data dir (see {@link #DATABASES}). */
    private static String migrated;

    private TestHaven() {}

    /** Starts Haven with its data under {@code dataDir} and any extra {@code HAVEN_*} settings. */
    public static Haven start(Path dataDir, Map<String, String> extra) throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("HAVEN_HTTP_PORT", "0");
        env.put("HAVEN_HTTP_HOST", "127.0.0.1");
        env.put("HAVEN_DATA_DIR", dataDir.toString());
        env.putAll(NO_CLIENT_LIMITS);
        // a test's gateway is ready at once; WarmUpTest runs the warm-up
        env.put("HAVEN_WARMUP_CONVERSATIONS", "0");
        // a few resume phrases prepared ahead, not the default 256 (seconds of a core per start)
        env.put("HAVEN_RESUME_PHRASES_PREPARED", "4");
        // a person's replies one after another, without the channel's spacing (1 s a reply: tens of
        // seconds an intake); OutboxRateTest checks the spacing
        env.put("HAVEN_MAX_RECIPIENT_GAP_MS", "0");
        env.putAll(extra);
        TestPostgres.start(); // its unpacked binaries serve the embedded database too
        if (!env.containsKey("HAVEN_DB_URL")) {
            env.put("HAVEN_DB_URL", databaseOf(dataDir));
        }
        Haven haven = Haven.start(ConfigLoader.load(env, null), TestClock.SHARED);
        IN_PROCESS.add(dataDir.toAbsolutePath().normalize().toString());
        return haven;
    }

    /**
     * The database of a data dir ({@link #DATABASES}): the one it had, if a Haven started on it
     * before and the data dir is still there; else a new copy of the migrated database.
     */
    private static String databaseOf(Path dataDir) throws Exception {
        String key = dataDir.toAbsolutePath().normalize().toString();
        String url = DATABASES.get(key);
        if (url == null || isEmpty(dataDir)) {
            url = TestPostgres.copyOf(migrated());
            DATABASES.put(key, url);
        }
        return url;
    }

    private static boolean isEmpty(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) {
            return true;
        }
        try (var entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }

    /**
     * A command's settings as its server's: with the database of a data dir that a Haven of this
     * class ran on, when the command names that data dir and no database (an operator runs {@code
     * haven} with the server's settings).
     */
    static Map<String, String> asItsServer(Map<String, String> env) {
        String dataDir = env.get("HAVEN_DATA_DIR");
        if (dataDir == null || env.containsKey("HAVEN_DB_URL")) {
            return env;
        }
        String url = DATABASES.get(Path.of(dataDir).toAbsolutePath().normalize().toString());
        if (url == null) {
            return env;
        }
        Map<String, String> with = new HashMap<>(env);
        with.put("HAVEN_DB_URL", url);
        return with;
    }

    private static synchronized String migrated() throws Exception {
        if (migrated == null) {
            String url = TestPostgres.newDatabase();
            Vertx vertx = Vertx.vertx();
            Path scratch = Files.createTempDirectory("haven-migrated");
            try {
                Database.open(vertx, Optional.of(DatabaseUrl.parse(url)), scratch).close();
            } finally {
                vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
                Files.deleteIfExists(scratch);
            }
            migrated = url;
        }
        return migrated;
    }

    /**
     * The clock a Haven with its data under {@code dataDir} reads: the shared test clock if it runs
     * in this JVM.
     */
    public static Clock clock(Path dataDir) {
        return IN_PROCESS.contains(dataDir.toAbsolutePath().normalize().toString())
                ? TestClock.SHARED
                : Clock.systemUTC();
    }

    /**
     * The audit key of the Haven whose data is under {@code dataDir}, from its server key file
     * (created if it does not exist yet, as the server's first start would).
     */
    public static KeyedHash auditKey(Path dataDir) throws Exception {
        return ServerSecrets.loadOrCreate(dataDir.resolve("secrets").resolve("server-keys"))
                .auditKey();
    }

    /** Completes first setup and second-factor enrolment of the administrator. */
    public static void setUpAdmin(Haven haven) throws Exception {
        setUpAdmin(haven.port(), haven.teamKeys().setupCodeFile().getParent());
    }

    /**
     * The same, for a Haven running elsewhere (a jar) on {@code port} with data under {@code
     * dataDir}.
     */
    public static void setUpAdmin(int port, Path dataDir) throws Exception {
        String code = Files.readString(dataDir.resolve("setup-code.txt")).strip();
        HttpResponse<String> response =
                new InboxClient(port)
                        .post(
                                "/inbox/setup",
                                "code",
                                code.toLowerCase(Locale.ROOT),
                                "username",
                                ADMIN,
                                "passphrase",
                                ADMIN_PASSPHRASE,
                                "confirm",
                                ADMIN_PASSPHRASE);
        if (response.statusCode() != 302) {
            throw new AssertionError(
                    "setup failed: " + response.statusCode() + " " + response.body());
        }
        enrolWithOwnPassphrase(port, dataDir, ADMIN, ADMIN_PASSPHRASE);
    }

    /**
     * The passphrase the tests choose at first login in place of the one-time {@code given} one an
     * administrator set ({@link #enrol}): the same words with more after them.
     */
    public static String chosen(String given) {
        return given + " of my own";
    }

    /**
     * Has the administrator (set up first if need be) create a coordinator of {@code group} on the
     * Team page with the passphrase {@code given}, then enrols its second factor.
     */
    public static Credentials coordinator(
            Haven haven, Path dataDir, String username, String given, String group)
            throws Exception {
        setUpAdmin(haven);
        InboxClient admin = loggedIn(haven);
        HttpResponse<String> created =
                admin.postWithCsrf(
                        admin.get("/inbox/team").body(),
                        "/inbox/team/accounts",
                        "username",
                        username,
                        "role",
                        "coordinator",
                        "passphrase",
                        given,
                        "confirm",
                        given,
                        "agency",
                        "",
                        "group",
                        group);
        if (!created.body().contains("Account " + username + " created")) {
            throw new AssertionError("the account was not created: " + created.body());
        }
        return enrol(haven.port(), dataDir, username, given);
    }

    /**
     * Logs in for the first time as an account an administrator added with the one-time passphrase
     * {@code given}, chooses {@link #chosen}{@code (given)} in its place and enrols a second
     * factor, keeping the chosen passphrase, the secret and the recovery codes for later logins.
     */
    public static Credentials enrol(int port, Path dataDir, String username, String given)
            throws Exception {
        return enrol(port, dataDir, username, given, chosen(given));
    }

    /** The same, choosing {@code chosen}. */
    public static Credentials enrol(
            int port, Path dataDir, String username, String given, String chosen) throws Exception {
        InboxClient client = new InboxClient(port);
        HttpResponse<String> login = client.login(username, given, "");
        if (login.statusCode() != 302
                || !"/inbox/passphrase".equals(login.headers().firstValue("Location").orElse(""))) {
            throw new AssertionError(
                    "first login did not ask for a passphrase of one's own: " + login.statusCode());
        }
        String form = client.get("/inbox/passphrase").body();
        HttpResponse<String> set =
                client.postWithCsrf(
                        form,
                        "/inbox/passphrase",
                        "current",
                        given,
                        "passphrase",
                        chosen,
                        "confirm",
                        chosen);
        if (set.statusCode() != 302
                || !"/inbox/totp".equals(set.headers().firstValue("Location").orElse(""))) {
            throw new AssertionError(
                    "choosing a passphrase did not lead to enrolment: " + set.statusCode());
        }
        return enrolSecondFactor(client, dataDir, username, chosen);
    }

    /**
     * Logs in for the first time as an account whose passphrase is already its own (the first
     * administrator, or one changed at the command line) and enrols a second factor.
     */
    public static Credentials enrolWithOwnPassphrase(
            int port, Path dataDir, String username, String passphrase) throws Exception {
        InboxClient client = new InboxClient(port);
        HttpResponse<String> login = client.login(username, passphrase, "");
        if (login.statusCode() != 302
                || !"/inbox/totp".equals(login.headers().firstValue("Location").orElse(""))) {
            throw new AssertionError(
                    "first login did not ask for enrolment: " + login.statusCode());
        }
        return enrolSecondFactor(client, dataDir, username, passphrase);
    }

    /**
     * Enrols a second factor in {@code client}'s session (on the enrolment step of its first
     * login), remembering {@code passphrase} and the codes for later logins.
     */
    public static Credentials enrolSecondFactor(
            InboxClient client, Path dataDir, String username, String passphrase) throws Exception {
        String page = client.get("/inbox/totp").body();
        Matcher m = KEY.matcher(page);
        if (!m.find()) {
            throw new AssertionError("no TOTP key on the enrolment page");
        }
        Credentials c = new Credentials(username, passphrase, base32(m.group(1)), clock(dataDir));
        HttpResponse<String> done =
                client.post("/inbox/totp", "csrf", InboxClient.csrf(page), "code", c.nextCode());
        Matcher r = RECOVERY.matcher(done.body());
        while (r.find()) {
            c.recovery.add(r.group(1));
        }
        if (done.statusCode() != 200 || c.recovery.size() != 10) {
            throw new AssertionError("enrolment failed: " + done.statusCode());
        }
        CREDENTIALS.put(key(dataDir, username), c);
        return c;
    }

    /**
     * Remembers an account enrolled elsewhere (in a browser), so later logins can use its codes.
     */
    public static Credentials remember(
            Path dataDir, String username, String passphrase, byte[] secret, long usedStep) {
        Credentials c = new Credentials(username, passphrase, secret, clock(dataDir));
        c.lastStep = usedStep;
        CREDENTIALS.put(key(dataDir, username), c);
        return c;
    }

    /**
     * Remembers that {@code username} changed their passphrase to {@code passphrase}, for later
     * logins.
     */
    public static void rememberPassphrase(Path dataDir, String username, String passphrase) {
        credentials(dataDir, username).passphrase = passphrase;
    }

    /** Decodes a base32 TOTP key as shown on the enrolment page. */
    public static byte[] totpKey(String base32) {
        return base32(base32);
    }

    /**
     * Sets every account's inbox language back to English, so that a browser test that stopped
     * half-way through its French pages leaves the next test nothing to trip on.
     */
    public static void everyoneInEnglish(Haven haven) throws Exception {
        haven.database()
                .pool()
                .query("UPDATE accounts SET language = 'en' WHERE language <> 'en'")
                .execute()
                .toCompletionStage()
                .toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
    }

    /** An inbox client logged in as the administrator. */
    public static InboxClient loggedIn(Haven haven) throws Exception {
        return loggedIn(haven.port(), haven.teamKeys().setupCodeFile().getParent(), ADMIN);
    }

    /** An inbox client logged in as {@code username} (enrolled earlier through this class). */
    public static InboxClient loggedIn(int port, Path dataDir, String username) throws Exception {
        Credentials c = credentials(dataDir, username);
        InboxClient client = new InboxClient(port);
        HttpResponse<String> response = client.login(c.username, c.passphrase, c.nextCode());
        if (response.statusCode() != 302
                || !"/inbox".equals(response.headers().firstValue("Location").orElse(""))) {
            throw new AssertionError("login failed: " + response.statusCode());
        }
        return client;
    }

    /** The remembered second factor of an account. */
    public static Credentials credentials(Path dataDir, String username) {
        Credentials c = CREDENTIALS.get(key(dataDir, username));
        if (c == null) {
            throw new AssertionError("no enrolled account " + username + " for " + dataDir);
        }
        return c;
    }

    private static String key(Path dataDir, String username) {
        return dataDir.toAbsolutePath().normalize() + "|" + username;
    }

    private static byte[] base32(String s) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int buffer = 0;
        int bits = 0;
        for (char ch : s.toCharArray()) {
            buffer = (buffer << 5) | alphabet.indexOf(ch);
            bits += 5;
            if (bits >= 8) {
                out.write((buffer >> (bits - 8)) & 0xff);
                bits -= 8;
            }
        }
        return out.toByteArray();
    }
}

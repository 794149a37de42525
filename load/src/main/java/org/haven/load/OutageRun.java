package org.haven.load;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The outage run ({@code load.sh --outage N}, {@code scripts/outage.sh}): the packaged gateway on a
 * PostgreSQL of the run's own ({@code HAVEN_DB_URL}), under SMS load; PostgreSQL is stopped for N
 * seconds and started again on the same data dir and port while the load goes on. Then the run
 * checks that every webhook sent during the outage was acknowledged, that {@code /health} said
 * {@code degraded} throughout and {@code ok} again after, that the spool drained and never held a
 * number or a text in clear, that {@code /health/ready} and {@code /health/live} (what the shipped
 * proxy, compose and k8s probes ask) answered 200 throughout, that every acknowledged webhook is
 * stored exactly once, that each contact's replies follow the dialogue in order, and that the
 * outbox drained with every reply delivered at least once. Exit 1 when a check fails.
 */
final class OutageRun {
    private static final Pattern REFERENCE = Pattern.compile("HV-[A-Z2-9]{6}");

    /**
     * The default script's phrase_given (English, as the load's contacts choose): the words after
     * "write these 5 words:".
     */
    private static final Pattern PHRASE = Pattern.compile("(write these 5 words:)[^\\n]*");

    private static final Pattern SPOOLED =
            Pattern.compile("event=inbound_spooled channel=\\w+ pending=(\\d+)");
    // shorter answers ("yes", "en") could turn up in ciphertext by chance; numbers are 12
    // characters
    private static final int MIN_TEXT = 6;
    private static final int BEFORE = 0;
    private static final int DOWN = 1;
    private static final int BACK = 2;

    private OutageRun() {}

    static int run(
            Map<String, String> o,
            Path jar,
            String account,
            String token,
            double smsRate,
            int seconds,
            int outage)
            throws Exception {
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
        Path dir = Files.createTempDirectory("haven-outage-");
        Path pgDir = dir.resolve("db");
        int dbPort = HavenProcess.freePort();
        EmbeddedPostgres db = null;
        HavenProcess haven = null;
        HealthWatch health = null;
        try {
            Files.createDirectories(pgDir);
            db = startDatabase(pgDir, dbPort);
            FakeTwilioApi twilio = FakeTwilioApi.start(vertx, account);
            twilio.recordBodies();
            Map<String, String> env = twilio.gatewayEnv(account, token, "1000");
            env.put("HAVEN_DB_URL", "postgresql://postgres@127.0.0.1:" + dbPort + "/postgres");
            haven =
                    HavenProcess.start(
                            jar,
                            o.getOrDefault("heap", "512m"),
                            List.of(),
                            env,
                            dir,
                            HavenProcess.freePort());
            // in rotation before the outage, as a proxy would have it (warmed up)
            haven.awaitReady();
            int port = haven.port;
            if (SmsLoad.probe(vertx, "127.0.0.1", port) == 404) {
                System.out.println(
                        "outage: the gateway has no SMS channel (404): nothing to check, skipped");
                return 0;
            }
            SmsLoad sms =
                    new SmsLoad(
                            vertx,
                            "127.0.0.1",
                            port,
                            account,
                            token,
                            "http://127.0.0.1:" + port,
                            smsRate);
            sms.keepAcknowledged();
            sms.keepContactOrder();
            sms.stats.measure();
            health = new HealthWatch(port);
            long half = Math.max(1, seconds / 2) * 1000L;
            System.out.printf(
                    Locale.ROOT,
                    "load: sms %.1f/s; %d s, then PostgreSQL (port %d) stopped for %d s, then %d s more%n",
                    smsRate,
                    half / 1000,
                    dbPort,
                    outage,
                    half / 1000);
            sms.start();
            Thread.sleep(half);

            int ackedBefore = sms.acked.size();
            long stopAsked = System.nanoTime();
            db.close();
            db = null;
            long down = System.nanoTime();
            health.phase = DOWN;
            Thread.sleep(Math.max(0, outage * 1000L - (down - stopAsked) / 1_000_000));
            health.phase = BACK;
            int ackedDown = sms.acked.size() - ackedBefore;
            Path spoolFile = dir.resolve("spool").resolve("inbound.log");
            byte[] spool = Files.exists(spoolFile) ? Files.readAllBytes(spoolFile) : new byte[0];
            long restart = System.nanoTime();
            db = startDatabase(pgDir, dbPort);
            long back = System.nanoTime();
            System.out.printf(
                    Locale.ROOT,
                    "outage   PostgreSQL down %.1f s (stop took %.1f s, start %.1f s); %d webhooks acknowledged meanwhile%n",
                    (restart - down) / 1e9,
                    (down - stopAsked) / 1e9,
                    (back - restart) / 1e9,
                    ackedDown);

            Optional<Long> drained = health.awaitDrained(back, TimeUnit.SECONDS.toNanos(60));
            Thread.sleep(half);
            sms.stop();
            if (!sms.awaitSettled(120_000)) {
                System.out.println(
                        "note     some webhooks were still unanswered 120 s after the load stopped");
            }
            List<String[]> acked = new ArrayList<>(sms.acked);
            List<String> refused = new ArrayList<>(sms.refused);
            System.out.println(sms.stats.report());

            Aftermath.Inbound in = Aftermath.replay(sms, haven.log, acked);
            String log = Files.readString(haven.log);
            int spoolPeak = 0;
            for (Matcher m = SPOOLED.matcher(log); m.find(); ) {
                spoolPeak = Math.max(spoolPeak, Integer.parseInt(m.group(1)));
            }

            Aftermath.Outbound out =
                    Aftermath.drain(
                            dbPort,
                            "",
                            twilio.delivered::get); // its own stand-in server, trust on loopback
            HealthWatch.Sample last = health.now();
            health.close();

            List<String> numbers = sms.numbersUsed();
            List<String> inClear = inClear(spool, numbers);
            Order order = order(acked, refused, twilio.received());
            List<HealthWatch.Sample> duringOutage = health.samples(DOWN);
            long degraded =
                    duringOutage.stream()
                            .filter(s -> s.status() == 503 && "degraded".equals(s.state()))
                            .count();

            long ready = duringOutage.stream().filter(s -> s.ready() == 200).count();
            long live = duringOutage.stream().filter(s -> s.live() == 200).count();
            System.out.printf(
                    Locale.ROOT,
                    "health   during the outage %d of %d answers 'degraded' (503); after: %s, %d spooled%n",
                    degraded,
                    duringOutage.size(),
                    last.state(),
                    last.spooled());
            System.out.printf(
                    Locale.ROOT,
                    "probes   during the outage /health/ready 200 in %d of %d, /health/live 200 in %d of %d"
                            + " (the shipped readiness and liveness probes keep the gateway in rotation and running)%n",
                    ready,
                    duringOutage.size(),
                    live,
                    duringOutage.size());
            System.out.printf(
                    Locale.ROOT,
                    "spool    peak %d messages (%d bytes on disk); drained %s after PostgreSQL answered;"
                            + " %s%n",
                    spoolPeak,
                    spool.length,
                    drained.map(d -> String.format(Locale.ROOT, "%.1f s", d / 1e9)).orElse("NOT"),
                    inClear.isEmpty()
                            ? "no number or text in clear"
                            : inClear.size() + " numbers or texts in clear");
            System.out.printf(
                    Locale.ROOT,
                    "refused  %d webhooks not acknowledged during the load%n",
                    refused.size());
            System.out.println(in.line());
            System.out.printf(
                    Locale.ROOT,
                    "order    %d contacts (%s messages each): %s; %d turns held for an unanswered message,"
                            + " %d repeated replies counted once%n",
                    order.contacts,
                    order.fewest == order.most
                            ? Integer.toString(order.most)
                            : order.fewest + "–" + order.most,
                    order.problem == null
                            ? "every contact's replies in dialogue order"
                            : order.problem,
                    sms.held.get(),
                    order.repeats);
            System.out.println(out.line());

            List<String> problems = new ArrayList<>();
            if (ackedDown == 0) {
                problems.add("no webhook was acknowledged while PostgreSQL was down");
            }
            if (!refused.isEmpty()) {
                problems.add(refused.size() + " webhooks were not acknowledged");
            }
            if (duringOutage.isEmpty() || degraded != duringOutage.size()) {
                problems.add("/health did not say 'degraded' throughout the outage");
            }
            if (duringOutage.isEmpty()
                    || ready != duringOutage.size()
                    || live != duringOutage.size()) {
                problems.add(
                        "/health/ready or /health/live was not 200 throughout the outage: the shipped probes would take"
                                + " the gateway out of rotation or restart it");
            }
            if (drained.isEmpty()
                    || last.status() != 200
                    || !"ok".equals(last.state())
                    || last.spooled() != 0) {
                problems.add("the spool did not drain, or /health is not 'ok' after the outage");
            }
            if (spoolPeak == 0 || spool.length == 0) {
                problems.add("nothing was spooled");
            }
            if (!inClear.isEmpty()) {
                problems.add("the spool file holds numbers or message texts in clear");
            }
            in.check(problems);
            if (order.problem != null || order.contacts == 0) {
                problems.add("replies out of dialogue order for some contact");
            }
            out.check(problems);
            return HavenProcess.verdict(problems);
        } finally {
            if (health != null) {
                health.close();
            }
            if (haven != null) {
                haven.close();
            }
            if (db != null) {
                db.close();
            }
            if (o.containsKey("keep-data")) {
                System.out.println("data kept in " + dir);
            } else {
                HavenProcess.delete(dir);
            }
            vertx.close().toCompletionStage().toCompletableFuture().get();
        }
    }

    /** The run's own PostgreSQL, on a fixed port so the gateway finds it again after a restart. */
    private static EmbeddedPostgres startDatabase(Path dir, int port) throws IOException {
        return EmbeddedPostgres.builder()
                .setDataDirectory(dir)
                .setCleanDataDirectory(false)
                .setPort(port)
                .setServerConfig("listen_addresses", "127.0.0.1")
                .start();
    }

    /**
     * Which of the numbers that wrote and the longer texts they sent occur as such in the spool
     * file (none, if encrypted).
     */
    private static List<String> inClear(byte[] spool, List<String> numbers) {
        String raw = new String(spool, StandardCharsets.ISO_8859_1);
        String utf8 = new String(spool, StandardCharsets.UTF_8);
        return Stream.concat(
                        numbers.stream(),
                        Stream.concat(Script.INTAKE.stream(), Script.AFTER.stream()))
                .filter(s -> s.length() >= MIN_TEXT)
                .filter(s -> raw.contains(s) || utf8.contains(s))
                .toList();
    }

    /** The outcome of the per-contact order check. */
    private record Order(int contacts, int fewest, int most, int repeats, String problem) {}

    /**
     * Every contact runs the same dialogue, so its replies are fixed by how many messages it sent:
     * contacts that sent as many got the same replies, and one that sent fewer got a beginning of
     * what one that sent more got. A message lost, applied twice or applied out of order sends that
     * contact's dialogue elsewhere. Replies are taken in the order the fake Twilio received them
     * (the outbox sends a conversation's replies one after another); a reply repeated right after
     * itself (sent again after its 'sent' mark was lost to the outage) counts once. Contacts with a
     * refused webhook are left out (that is a failure of its own).
     */
    private static Order order(
            List<String[]> acked, List<String> refused, Map<String, List<String>> received) {
        Map<String, Integer> steps = new HashMap<>();
        acked.forEach(r -> steps.merge(from(r[0]), 1, Integer::sum));
        refused.forEach(r -> steps.remove(from(r)));
        List<String> contacts = new ArrayList<>(steps.keySet());
        contacts.sort(Comparator.comparing(steps::get));
        int repeats = 0;
        List<String> previous = null;
        String problem = null;
        for (int i = 0; i < contacts.size(); i++) {
            List<String> got = received.getOrDefault(contacts.get(i), List.of());
            List<String> replies = new ArrayList<>();
            for (String sent : got) {
                String body = samePerContact(sent);
                if (!replies.isEmpty() && replies.get(replies.size() - 1).equals(body)) {
                    repeats++;
                } else {
                    replies.add(body);
                }
            }
            if (previous != null && problem == null) {
                boolean sameSteps =
                        steps.get(contacts.get(i)).equals(steps.get(contacts.get(i - 1)));
                if (sameSteps
                        ? !replies.equals(previous)
                        : replies.size() < previous.size()
                                || !replies.subList(0, previous.size()).equals(previous)) {
                    // positions and counts only: the replies themselves are not printed
                    problem =
                            String.format(
                                    Locale.ROOT,
                                    "a contact after %d messages got %d replies that do not continue"
                                            + " the %d of a contact after %d",
                                    steps.get(contacts.get(i)),
                                    replies.size(),
                                    previous.size(),
                                    steps.get(contacts.get(i - 1)));
                }
            }
            previous = replies;
        }
        int fewest = contacts.isEmpty() ? 0 : steps.get(contacts.get(0));
        int most = contacts.isEmpty() ? 0 : steps.get(contacts.get(contacts.size() - 1));
        return new Order(contacts.size(), fewest, most, repeats, problem);
    }

    /**
     * A reply with what differs from contact to contact by design (its case reference, its resume
     * phrase) blanked.
     */
    private static String samePerContact(String reply) {
        return PHRASE.matcher(REFERENCE.matcher(reply).replaceAll("HV-******")).replaceAll("$1 …");
    }

    private static String from(String form) {
        for (String pair : form.split("&")) {
            if (pair.startsWith("From=")) {
                return URLDecoder.decode(pair.substring(5), StandardCharsets.UTF_8);
            }
        }
        return "";
    }

    /**
     * Polls {@code /health} four times a second and keeps each answer with the phase of the run it
     * fell entirely in.
     */
    private static final class HealthWatch implements AutoCloseable {
        /**
         * One poll: {@code /health} (status, state, spooled) and the shipped probes' {@code
         * /health/ready} and {@code /health/live}.
         */
        record Sample(
                int phase, long at, int status, String state, int spooled, int ready, int live) {}

        private final HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        private final URI uri;
        private final URI ready;
        private final URI live;
        private final List<Sample> samples = new CopyOnWriteArrayList<>();
        private final Thread thread;
        private volatile boolean running = true;
        volatile int phase = BEFORE;

        HealthWatch(int port) {
            uri = URI.create("http://127.0.0.1:" + port + "/health");
            ready = URI.create("http://127.0.0.1:" + port + "/health/ready");
            live = URI.create("http://127.0.0.1:" + port + "/health/live");
            thread =
                    new Thread(
                            () -> {
                                while (running) {
                                    int before = phase;
                                    Sample s = now();
                                    if (phase == before) {
                                        samples.add(
                                                new Sample(
                                                        before,
                                                        s.at(),
                                                        s.status(),
                                                        s.state(),
                                                        s.spooled(),
                                                        s.ready(),
                                                        s.live()));
                                    }
                                    try {
                                        Thread.sleep(250);
                                    } catch (InterruptedException e) {
                                        return;
                                    }
                                }
                            },
                            "health-watch");
            thread.setDaemon(true);
            thread.start();
        }

        Sample now() {
            try {
                HttpResponse<String> r =
                        http.send(
                                HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(3)).build(),
                                HttpResponse.BodyHandlers.ofString());
                JsonObject body = new JsonObject(r.body());
                return new Sample(
                        phase,
                        System.nanoTime(),
                        r.statusCode(),
                        body.getString("status"),
                        body.getInteger("spooled", -1),
                        status(ready),
                        status(live));
            } catch (IOException | RuntimeException e) {
                return new Sample(phase, System.nanoTime(), -1, "no answer", -1, -1, -1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Sample(phase, System.nanoTime(), -1, "no answer", -1, -1, -1);
            }
        }

        private int status(URI probe) throws IOException, InterruptedException {
            return http.send(
                            HttpRequest.newBuilder(probe).timeout(Duration.ofSeconds(3)).build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        }

        List<Sample> samples(int ofPhase) {
            return samples.stream().filter(s -> s.phase() == ofPhase).toList();
        }

        /**
         * Waits for the first answer after {@code since} that says 'ok' with nothing spooled; how
         * long after {@code since} it came.
         */
        Optional<Long> awaitDrained(long since, long timeoutNanos) throws InterruptedException {
            long end = System.nanoTime() + timeoutNanos;
            while (System.nanoTime() < end) {
                Optional<Sample> ok =
                        samples.stream()
                                .filter(
                                        s ->
                                                s.phase() == BACK
                                                        && s.status() == 200
                                                        && "ok".equals(s.state())
                                                        && s.spooled() == 0)
                                .findFirst();
                if (ok.isPresent()) {
                    return Optional.of(Math.max(0, ok.get().at() - since));
                }
                Thread.sleep(100);
            }
            return Optional.empty();
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.interrupt();
            thread.join(5000);
        }
    }
}

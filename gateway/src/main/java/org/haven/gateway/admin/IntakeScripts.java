package org.haven.gateway.admin;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.haven.bot.Engine;
import org.haven.bot.EngineSettings;
import org.haven.bot.Intake;
import org.haven.bot.ScriptException;
import org.haven.bot.script.ScriptCheck;
import org.haven.gateway.intake.Conversations;
import org.haven.gateway.store.Db;
import org.haven.gateway.store.IntakeScriptStore;
import org.haven.gateway.store.WorkingGroupStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The intake script that runs: the newest one an administrator uploaded, else the one in the jar.
 * An upload is checked first ({@code file:line} findings); only a script without errors is stored
 * and put to work, for new and ongoing conversations alike.
 */
public final class IntakeScripts {
    private static final Logger LOG = LoggerFactory.getLogger(IntakeScripts.class);
    static final String SCRIPT_FILE = "intake.yaml";
    static final String DIRECTORY_FILE = "directory.yaml";

    /** A script and its referral directory as text. */
    public record Source(String script, String directory, String uploadedBy) {}

    /** The outcome of checking an upload. */
    public record CheckResult(List<ScriptCheck.Finding> findings, Intake intake) {
        public boolean ok() {
            return intake != null
                    && findings.stream().noneMatch(f -> f.severity() == ScriptCheck.Severity.ERROR);
        }
    }

    private final Vertx vertx;
    private final Db db;
    private final EngineSettings settings;
    private volatile Conversations conversations;

    public IntakeScripts(Vertx vertx, Db db, EngineSettings settings) {
        this.vertx = vertx;
        this.db = db;
        this.settings = settings;
    }

    /** Where a new engine goes once a script is uploaded. */
    public void attach(Conversations conversations) {
        this.conversations = conversations;
    }

    /**
     * The intake to run at start-up: the stored one if it still checks, else the shipped default.
     */
    public Future<Intake> current() {
        return active().compose(
                        src -> {
                            if (src.isEmpty()) {
                                return Future.succeededFuture(Intake.defaultIntake());
                            }
                            return vertx.executeBlocking(
                                    () -> {
                                        CheckResult r = check(src.get());
                                        if (!r.ok()) {
                                            LOG.error(
                                                    "event=stored_intake_invalid fallback=default");
                                            return Intake.defaultIntake();
                                        }
                                        LOG.info("event=intake_loaded source=uploaded");
                                        return r.intake();
                                    });
                        });
    }

    /** The script and directory in effect, as text (the shipped ones when none was uploaded). */
    public Future<Source> source() {
        return active().map(
                        src ->
                                src.orElseGet(
                                        () ->
                                                new Source(
                                                        resource("intake/default.yaml"),
                                                        resource("intake/directory.yaml"),
                                                        "(shipped with Haven)")));
    }

    private Future<Optional<Source>> active() {
        return IntakeScriptStore.active(db)
                .map(
                        found ->
                                found.map(
                                        s ->
                                                new Source(
                                                        s.script(),
                                                        s.directory(),
                                                        s.uploadedBy())));
    }

    /** Checks an upload without storing it (blocking: call from a worker). */
    public static CheckResult check(Source src) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("haven-intake");
            Path script = dir.resolve(SCRIPT_FILE);
            Files.writeString(script, src.script(), StandardCharsets.UTF_8);
            Files.writeString(dir.resolve(DIRECTORY_FILE), src.directory(), StandardCharsets.UTF_8);
            List<ScriptCheck.Finding> findings =
                    ScriptCheck.check(script, ScriptCheck.DEFAULT_SEGMENT_BUDGET);
            boolean errors =
                    findings.stream().anyMatch(f -> f.severity() == ScriptCheck.Severity.ERROR);
            Intake intake = null;
            if (!errors) {
                try {
                    intake = Intake.load(script);
                } catch (ScriptException e) {
                    return new CheckResult(
                            e.errors().stream()
                                    .map(
                                            m ->
                                                    new ScriptCheck.Finding(
                                                            SCRIPT_FILE,
                                                            0,
                                                            ScriptCheck.Severity.ERROR,
                                                            m))
                                    .toList(),
                            null);
                }
            }
            return new CheckResult(findings, intake);
        } catch (IOException e) {
            return new CheckResult(
                    List.of(
                            new ScriptCheck.Finding(
                                    SCRIPT_FILE,
                                    0,
                                    ScriptCheck.Severity.ERROR,
                                    "could not be read: " + e.getClass().getSimpleName())),
                    null);
        } finally {
            if (dir != null) {
                try (Stream<Path> files = Files.walk(dir)) {
                    files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                } catch (IOException ignored) {
                    // temp files only
                }
            }
        }
    }

    /** Checks, and when there is no error stores and activates the upload; returns the check. */
    public Future<CheckResult> upload(Source src) {
        return vertx.executeBlocking(() -> check(src))
                .compose(
                        r -> {
                            if (!r.ok()) {
                                return Future.succeededFuture(r);
                            }
                            return WorkingGroupStore.ensure(db, groupsOf(r.intake()))
                                    .compose(
                                            ensured ->
                                                    IntakeScriptStore.activate(
                                                            db,
                                                            new IntakeScriptStore.Stored(
                                                                    src.script(),
                                                                    src.directory(),
                                                                    src.uploadedBy())))
                                    .map(
                                            v -> {
                                                Conversations c = conversations;
                                                if (c != null) {
                                                    c.useEngine(new Engine(r.intake(), settings));
                                                }
                                                LOG.info("event=intake_uploaded");
                                                return r;
                                            });
                        });
    }

    private static String resource(String name) {
        try (InputStream in = IntakeScripts.class.getClassLoader().getResourceAsStream(name)) {
            return in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** The working groups {@code intake} names, with their English names, for the database. */
    public static List<WorkingGroupStore.Group> groupsOf(Intake intake) {
        return intake.script().workingGroups().stream()
                .map(g -> new WorkingGroupStore.Group(g.id(), g.name().in("en").orElse(g.id())))
                .toList();
    }
}

package org.haven.gateway.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.haven.gateway.Haven;
import org.haven.gateway.config.ConfigLoader;

/** Starts a real Haven (embedded PostgreSQL unless told otherwise) on a free port for a test. */
public final class TestHaven {
    /** The passphrase of the administrator that {@link #setUpAdmin} creates. */
    public static final String ADMIN_PASSPHRASE = "correct horse battery staple";
    /** That administrator's username. */
    public static final String ADMIN = "ada";

    private TestHaven() {
    }

    /** Starts Haven with its data under {@code dataDir} and any extra {@code HAVEN_*} settings. */
    public static Haven start(Path dataDir, Map<String, String> extra) throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("HAVEN_HTTP_PORT", "0");
        env.put("HAVEN_HTTP_HOST", "127.0.0.1");
        env.put("HAVEN_DATA_DIR", dataDir.toString());
        env.putAll(extra);
        return Haven.start(ConfigLoader.load(env, null));
    }

    /** Completes first setup through the inbox with the code Haven wrote to the data dir. */
    public static void setUpAdmin(Haven haven) throws Exception {
        String code = Files.readString(haven.teamKeys().setupCodeFile()).strip();
        var response = new InboxClient(haven.port()).post("/inbox/setup", "code", code.toLowerCase(java.util.Locale.ROOT),
                "username", ADMIN, "passphrase", ADMIN_PASSPHRASE, "confirm", ADMIN_PASSPHRASE);
        if (response.statusCode() != 302) {
            throw new AssertionError("setup failed: " + response.statusCode() + " " + response.body());
        }
    }

    /** An inbox client logged in as the administrator. */
    public static InboxClient loggedIn(Haven haven) throws Exception {
        InboxClient client = new InboxClient(haven.port());
        var response = client.login(ADMIN, ADMIN_PASSPHRASE);
        if (response.statusCode() != 302 || !"/inbox".equals(response.headers().firstValue("Location").orElse(""))) {
            throw new AssertionError("login failed: " + response.statusCode());
        }
        return client;
    }
}

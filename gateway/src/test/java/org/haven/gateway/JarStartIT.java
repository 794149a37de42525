package org.haven.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.haven.gateway.support.InboxClient;
import org.haven.gateway.support.IntakeDriver;
import org.haven.gateway.support.TestHaven;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Runs the packaged jar the way the README does, as a separate process. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class JarStartIT {

    /**
     * Verifies that the jar answers /health with 200 within 20 s of starting on a fresh data dir,
     * that an intake finished before a restart is still in the inbox after it, and that a restart
     * is also ready within 20 s.
     */
    @Test
    void testJarServesHealthQuicklyAndKeepsCasesAcrossRestart(@TempDir Path dataDir) throws Exception {
        int port = freePort();
        Process first = startJar(dataDir, port);
        String reference;
        try {
            long millis = awaitHealth(port, first);
            System.out.println("first start: /health 200 after " + millis + " ms");
            assertTrue(millis < 20_000, "first start took " + millis + " ms");
            TestHaven.setUpAdmin(port, dataDir);
            IntakeDriver.completeIntake(port, "jar-restart-check");
            InboxClient inbox = TestHaven.loggedIn(port, dataDir, TestHaven.ADMIN);
            reference = IntakeDriver.onlyCaseReference(inbox.get("/inbox").body());
        } finally {
            stop(first);
        }
        Process second = startJar(dataDir, port);
        try {
            long millis = awaitHealth(port, second);
            System.out.println("restart: /health 200 after " + millis + " ms");
            assertTrue(millis < 20_000, "restart took " + millis + " ms");
            InboxClient inbox = TestHaven.loggedIn(port, dataDir, TestHaven.ADMIN);
            assertTrue(inbox.get("/inbox").body().contains(reference), "case lost across restart");
        } finally {
            stop(second);
        }
    }

    private static Process startJar(Path dataDir, int port) throws Exception {
        Path jar = Path.of("target", "haven.jar").toAbsolutePath();
        assertTrue(Files.exists(jar), "run mvn package first: " + jar);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-jar", jar.toString());
        pb.environment().put("HAVEN_HTTP_PORT", Integer.toString(port));
        pb.environment().put("HAVEN_HTTP_HOST", "127.0.0.1");
        pb.environment().put("HAVEN_DATA_DIR", dataDir.toString());
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(new File("target", "jar-start-it.log")));
        return pb.start();
    }

    private static long awaitHealth(int port, Process process) throws Exception {
        long start = System.nanoTime();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(60)) {
            if (!process.isAlive()) {
                throw new AssertionError("haven.jar exited with " + process.exitValue() + "; see target/jar-start-it.log");
            }
            try {
                var r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                }
            } catch (java.io.IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no /health 200 within 60 s");
    }

    private static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}

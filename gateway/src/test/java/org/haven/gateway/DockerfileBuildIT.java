package org.haven.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image's build stage without Docker (there is none in CI): its Maven step, run on exactly the
 * files the Dockerfile copies into the build stage.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class DockerfileBuildIT {
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

    /**
     * Verifies that the build stage of deploy/Dockerfile builds the jar from what it copies and
     * nothing else. Before, it did not copy load/pom.xml, which the parent pom names as a module,
     * so Maven stopped before building anything, and so did every image built from it.
     */
    @Test
    void testBuildStageBuildsTheJarFromWhatItCopies(@TempDir Path src) throws Exception {
        List<String> stage = buildStage(Files.readAllLines(ROOT.resolve("deploy/Dockerfile")));
        String packaging = null;
        for (String line : stage) {
            String[] words = line.strip().split("\\s+");
            if (words[0].equals("COPY")) {
                assertFalse(
                        words[1].startsWith("--"), "an option this test does not follow: " + line);
                copy(
                        ROOT.resolve(words[1]),
                        src.resolve(words[words.length - 1]).normalize(),
                        words[words.length - 1].endsWith("/"));
            } else if (words[0].equals("RUN") && line.contains("package")) {
                packaging =
                        line.substring(
                                        line.indexOf("mvn"),
                                        line.contains("&&") ? line.indexOf("&&") : line.length())
                                .strip();
            }
        }
        assertTrue(packaging != null, "no Maven package step in the build stage");
        List<String> command = new ArrayList<>(List.of(packaging.split("\\s+")));
        command.add(1, "-o"); // the image's build fetches; here the outer build has fetched already
        Process p =
                new ProcessBuilder(command)
                        .directory(src.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(src.resolve("build.log").toFile())
                        .start();
        assertTrue(p.waitFor(6, TimeUnit.MINUTES), "the Maven step did not finish");
        String log = Files.readString(src.resolve("build.log"), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), "the build stage's Maven step failed:\n" + log);
        assertTrue(
                Files.isRegularFile(src.resolve("gateway/target/haven.jar")),
                "no haven.jar, which the stage copies out");
    }

    /** The lines of the stage named "build", continuation lines joined. */
    private static List<String> buildStage(List<String> lines) {
        List<String> stage = new ArrayList<>();
        boolean in = false;
        StringBuilder joined = new StringBuilder();
        for (String raw : lines) {
            String line = raw.strip();
            if (line.startsWith("FROM ")) {
                in = line.endsWith(" AS build");
                continue;
            }
            if (!in || line.startsWith("#") || line.isEmpty()) {
                continue;
            }
            if (line.endsWith("\\")) {
                joined.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            stage.add(joined.append(line).toString());
            joined.setLength(0);
        }
        return stage;
    }

    private static void copy(Path from, Path to, boolean intoDirectory) throws IOException {
        if (Files.isDirectory(from)) {
            try (Stream<Path> all = Files.walk(from)) {
                for (Path f : (Iterable<Path>) all::iterator) {
                    Path target = to.resolve(from.relativize(f).toString());
                    if (Files.isDirectory(f)) {
                        Files.createDirectories(target);
                    } else {
                        Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
            return;
        }
        Path target =
                intoDirectory || to.toString().endsWith("/")
                        ? to.resolve(from.getFileName().toString())
                        : to;
        if (Files.isDirectory(to)) {
            target = to.resolve(from.getFileName().toString());
        }
        Files.createDirectories(target.getParent());
        Files.copy(from, target, StandardCopyOption.REPLACE_EXISTING);
    }
}

package org.haven.gateway.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.haven.gateway.config.ConfigLoader;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The files under {@code deploy/}: no Docker engine or cluster runs here, so they are checked
 * for structure. YAML (compose, Kubernetes, multi-document) is parsed with SnakeYAML, which
 * resolves anchors and merge keys the way compose does.
 */
class DeployFilesTest {
    private static final Path DEPLOY = Path.of("..", "deploy");
    private static final Pattern HAVEN_VAR = Pattern.compile("\\bHAVEN_[A-Z_]+\\b");

    /** Verifies that every HAVEN_* variable any deployment file sets is a setting Haven reads. */
    @Test
    void testDeployFilesUseOnlyKnownSettings() throws Exception {
        List<Path> files;
        try (var walk = Files.walk(DEPLOY)) {
            files = walk.filter(Files::isRegularFile).toList();
        }
        assertTrue(files.size() >= 6, "deploy/ looks empty: " + files);
        Set<String> proxyOnly = Set.of("HAVEN_DOMAIN");
        for (Path f : files) {
            Matcher m = HAVEN_VAR.matcher(Files.readString(f));
            while (m.find()) {
                String v = m.group();
                assertTrue(ConfigLoader.isSetting(v) || proxyOnly.contains(v), f + " uses unknown setting " + v);
            }
        }
    }

    /** Verifies the compose file: two or more gateways on one PostgreSQL, shared keys, read-only, proxy with TLS. */
    @Test
    void testComposeRunsTwoStatelessGatewaysBehindTheProxy() throws Exception {
        Map<String, Object> compose = map(new Yaml(new LoaderOptions()).load(Files.readString(DEPLOY.resolve("compose.yaml"))));
        Map<String, Object> services = map(compose.get("services"));
        assertTrue(services.containsKey("postgres"), "no postgres service");
        List<String> gateways = new ArrayList<>();
        for (Map.Entry<String, Object> e : services.entrySet()) {
            Map<String, Object> s = map(e.getValue());
            if ("haven:0.1".equals(s.get("image"))) {
                gateways.add(e.getKey());
                Map<String, Object> env = map(s.get("environment"));
                assertTrue(String.valueOf(env.get("HAVEN_DB_URL")).contains("@postgres:5432/"), e.getKey() + ": HAVEN_DB_URL");
                assertTrue(env.containsKey("HAVEN_SERVER_KEYS") || env.containsKey("HAVEN_SERVER_KEYS_FILE"),
                        e.getKey() + ": no shared server keys");
                assertEquals(Boolean.TRUE, s.get("read_only"), e.getKey() + ": root filesystem not read-only");
                assertTrue(String.valueOf(s.get("tmpfs")).contains("/tmp"), e.getKey() + ": no /tmp");
                assertTrue(String.valueOf(s.get("volumes")).contains(":/var/lib/haven"), e.getKey() + ": no data volume");
                assertTrue(String.valueOf(map(s.get("healthcheck")).get("test")).contains("/health/ready"), e.getKey() + ": healthcheck");
                assertNotNull(map(s.get("build")).get("dockerfile"));
            }
        }
        assertTrue(gateways.size() >= 2, "fewer than two gateways: " + gateways);
        Map<String, Object> proxy = map(services.get("proxy"));
        assertTrue(String.valueOf(proxy.get("ports")).contains("443:443"), "proxy does not serve TLS");
        assertTrue(String.valueOf(proxy.get("volumes")).contains("Caddyfile"), "proxy without its config");

        String caddy = Files.readString(DEPLOY.resolve("Caddyfile"));
        for (String g : gateways) {
            assertTrue(caddy.contains(g + ":8080"), "Caddyfile does not proxy to " + g);
        }
        int inbox = caddy.indexOf("handle /inbox*");
        assertTrue(inbox >= 0, "no /inbox route in the Caddyfile");
        int end = caddy.indexOf("\n\t}\n", inbox);
        assertTrue(caddy.substring(inbox, end).contains("lb_policy cookie"), "/inbox is not sticky");
        assertTrue(caddy.contains("flush_interval -1"), "SSE would be buffered");
        // the proxy's checks ask for readiness: a gateway whose database is away still takes messages into its spool
        assertTrue(caddy.contains("health_uri /health/ready") && !caddy.matches("(?s).*health_uri /health\\s.*"),
                "the proxy takes gateways out of rotation when the database is away");
        assertEquals(count(caddy, '{'), count(caddy, '}'), "unbalanced braces in the Caddyfile");
    }

    /** Verifies the Kubernetes manifests: every kind present, probes on /health, locked-down pods, affinity. */
    @Test
    void testKubernetesManifestsAreComplete() throws Exception {
        Map<String, Map<String, Object>> byKind = new LinkedHashMap<>();
        for (Object doc : new Yaml(new LoaderOptions()).loadAll(Files.readString(DEPLOY.resolve("k8s/haven.yaml")))) {
            Map<String, Object> d = map(doc);
            assertNotNull(d.get("apiVersion"), "a document without apiVersion");
            assertNotNull(map(d.get("metadata")).get("name"), "a document without a name");
            assertFalse(byKind.containsKey((String) d.get("kind")), "two of kind " + d.get("kind"));
            byKind.put((String) d.get("kind"), d);
        }
        assertEquals(Set.of("Secret", "Deployment", "Service", "Ingress", "HorizontalPodAutoscaler", "PodDisruptionBudget"),
                byKind.keySet());

        Map<String, Object> deployment = byKind.get("Deployment");
        Map<String, Object> template = map(map(deployment.get("spec")).get("template"));
        Map<String, Object> podLabels = map(map(template.get("metadata")).get("labels"));
        Map<String, Object> pod = map(template.get("spec"));
        assertEquals(Boolean.TRUE, map(pod.get("securityContext")).get("runAsNonRoot"));
        Map<String, Object> container = map(list(pod.get("containers")).get(0));
        // a database outage keeps pods in rotation (the spool takes messages) and restarts none
        Map<String, String> probes = Map.of("startupProbe", "/health/live", "livenessProbe", "/health/live",
                "readinessProbe", "/health/ready");
        probes.forEach((probe, path) -> assertEquals(path, map(map(container.get(probe)).get("httpGet")).get("path"), probe));
        assertEquals(Boolean.TRUE, map(container.get("securityContext")).get("readOnlyRootFilesystem"));
        Set<String> mounts = new java.util.HashSet<>();
        list(container.get("volumeMounts")).forEach(m -> mounts.add((String) map(m).get("mountPath")));
        assertTrue(mounts.containsAll(Set.of("/var/lib/haven", "/tmp")), "mounts: " + mounts);

        Map<String, String> secretRefs = new HashMap<>();
        for (Object o : list(container.get("env"))) {
            Map<String, Object> env = map(o);
            String name = (String) env.get("name");
            assertTrue(ConfigLoader.isSetting(name), "unknown setting " + name);
            if (env.get("valueFrom") != null) {
                Map<String, Object> ref = map(map(env.get("valueFrom")).get("secretKeyRef"));
                secretRefs.put((String) ref.get("key"), (String) ref.get("name"));
            }
        }
        assertTrue(secretRefs.keySet().containsAll(Set.of("HAVEN_DB_URL", "HAVEN_SERVER_KEYS")),
                "database URL and server keys must come from the Secret: " + secretRefs);
        Map<String, Object> secret = byKind.get("Secret");
        for (Map.Entry<String, String> ref : secretRefs.entrySet()) {
            assertEquals(map(secret.get("metadata")).get("name"), ref.getValue());
            assertTrue(map(secret.get("stringData")).containsKey(ref.getKey()), "Secret lacks " + ref.getKey());
        }

        assertEquals(podLabels, map(map(map(deployment.get("spec")).get("selector")).get("matchLabels")));
        assertEquals(podLabels, map(map(byKind.get("Service").get("spec")).get("selector")));
        assertEquals(podLabels, map(map(map(byKind.get("PodDisruptionBudget").get("spec")).get("selector")).get("matchLabels")));
        Map<String, Object> target = map(map(byKind.get("HorizontalPodAutoscaler").get("spec")).get("scaleTargetRef"));
        assertEquals("Deployment", target.get("kind"));
        assertEquals(map(deployment.get("metadata")).get("name"), target.get("name"));
        assertTrue(((Number) map(byKind.get("HorizontalPodAutoscaler").get("spec")).get("minReplicas")).intValue() >= 2);

        Map<String, Object> annotations = map(map(byKind.get("Ingress").get("metadata")).get("annotations"));
        assertEquals("cookie", annotations.get("nginx.ingress.kubernetes.io/affinity"), "inbox sessions need affinity");
        assertEquals("/inbox", annotations.get("nginx.ingress.kubernetes.io/session-cookie-path"));
        assertNotNull(map(byKind.get("Ingress").get("spec")).get("tls"), "Ingress without TLS");
    }

    /** Verifies the Dockerfile: a Maven build stage, a JRE runtime stage, a non-root user, data dir and /tmp as volumes. */
    @Test
    void testDockerfileIsMultiStageNonRootWithVolumes() throws Exception {
        List<String> lines = instructions(Files.readString(DEPLOY.resolve("Dockerfile")));
        List<String> froms = lines.stream().filter(l -> l.startsWith("FROM ")).toList();
        assertEquals(2, froms.size(), "stages: " + froms);
        assertTrue(froms.get(0).contains("maven") && froms.get(0).endsWith(" AS build"), froms.get(0));
        assertTrue(froms.get(1).contains("jre"), "runtime stage is not a JRE: " + froms.get(1));
        List<String> runtime = lines.subList(lines.indexOf(froms.get(1)), lines.size());
        assertTrue(runtime.stream().anyMatch(l -> l.startsWith("COPY --from=build")), "jar not copied from the build stage");
        String user = runtime.stream().filter(l -> l.startsWith("USER ")).reduce((x, y) -> y).orElse("USER root");
        assertFalse(user.matches("USER (root|0)(:.*)?"), "runs as root");
        String volume = runtime.stream().filter(l -> l.startsWith("VOLUME ")).findFirst().orElse("");
        assertTrue(volume.contains("/var/lib/haven") && volume.contains("\"/tmp\""), "volumes: " + volume);
        assertTrue(runtime.stream().anyMatch(l -> l.startsWith("ENTRYPOINT ") && l.contains("haven.jar")), "no entrypoint");
        assertTrue(runtime.stream().anyMatch(l -> l.startsWith("HEALTHCHECK ") && l.contains("/health/live")), "no liveness check");
        for (String l : lines) {
            String op = l.split(" ", 2)[0];
            assertTrue(Set.of("FROM", "WORKDIR", "COPY", "RUN", "ENV", "VOLUME", "USER", "EXPOSE", "HEALTHCHECK", "ENTRYPOINT", "CMD")
                    .contains(op), "unexpected instruction " + op);
        }
    }

    /** Verifies the systemd unit: its sections, a non-root user, and the hardening options. */
    @Test
    void testSystemdUnitIsHardened() throws Exception {
        Map<String, Map<String, List<String>>> unit = new LinkedHashMap<>();
        Map<String, List<String>> section = null;
        for (String raw : Files.readAllLines(DEPLOY.resolve("haven.service"))) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("[") && line.endsWith("]")) {
                section = new LinkedHashMap<>();
                unit.put(line.substring(1, line.length() - 1), section);
                continue;
            }
            assertNotNull(section, "a setting before any section: " + line);
            int eq = line.indexOf('=');
            assertTrue(eq > 0, "not key=value: " + line);
            section.computeIfAbsent(line.substring(0, eq), k -> new ArrayList<>()).add(line.substring(eq + 1));
        }
        assertEquals(List.of("Unit", "Service", "Install"), new ArrayList<>(unit.keySet()));
        Map<String, List<String>> service = unit.get("Service");
        assertEquals(List.of("haven"), service.get("User"));
        assertTrue(service.get("ExecStart").get(0).contains("haven.jar"));
        Map<String, String> hardening = Map.of("NoNewPrivileges", "true", "ProtectSystem", "strict", "ProtectHome", "true",
                "PrivateTmp", "true", "PrivateDevices", "true", "RestrictSUIDSGID", "true", "CapabilityBoundingSet", "");
        hardening.forEach((k, v) -> assertEquals(List.of(v), service.get(k), k));
        assertTrue(service.get("EnvironmentFile").get(0).startsWith("/etc/haven/"), "settings not from an environment file");
    }

    /** Dockerfile instructions, one per entry, continuation lines joined and comments dropped. */
    private static List<String> instructions(String text) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (line.startsWith("#") || (line.isEmpty() && current.length() == 0)) {
                continue;
            }
            boolean more = line.endsWith("\\");
            current.append(more ? line.substring(0, line.length() - 1) : line).append(more ? " " : "");
            if (!more) {
                out.add(current.toString().strip());
                current.setLength(0);
            }
        }
        return out;
    }

    private static long count(String s, char c) {
        return s.chars().filter(x -> x == c).count();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        assertTrue(o instanceof Map, "expected a map, got " + o);
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o) {
        assertTrue(o instanceof List, "expected a list, got " + o);
        return (List<Object>) o;
    }
}

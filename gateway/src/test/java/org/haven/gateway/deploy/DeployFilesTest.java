package org.haven.gateway.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.haven.gateway.Haven;
import org.haven.gateway.config.ConfigException;
import org.haven.gateway.config.ConfigLoader;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The files under {@code deploy/}: no Docker engine or cluster runs here, so they are checked for
 * structure. YAML (compose, Kubernetes, multi-document) is parsed with SnakeYAML, which resolves
 * anchors and merge keys the way compose does.
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
                assertTrue(
                        ConfigLoader.isSetting(v) || proxyOnly.contains(v),
                        f + " uses unknown setting " + v);
            }
        }
    }

    /**
     * Verifies the compose file: two or more gateways on one PostgreSQL, shared keys, read-only,
     * proxy with TLS.
     */
    @Test
    void testComposeRunsTwoStatelessGatewaysBehindTheProxy() throws Exception {
        Map<String, Object> compose =
                map(
                        new Yaml(new LoaderOptions())
                                .load(Files.readString(DEPLOY.resolve("compose.yaml"))));
        Map<String, Object> services = map(compose.get("services"));
        assertTrue(services.containsKey("postgres"), "no postgres service");
        List<String> gateways = new ArrayList<>();
        for (Map.Entry<String, Object> e : services.entrySet()) {
            Map<String, Object> s = map(e.getValue());
            if ("haven:0.1".equals(s.get("image"))) {
                gateways.add(e.getKey());
                Map<String, Object> env = map(s.get("environment"));
                assertTrue(
                        String.valueOf(env.get("HAVEN_DB_URL")).contains("@postgres:5432/"),
                        e.getKey() + ": HAVEN_DB_URL");
                assertTrue(
                        env.containsKey("HAVEN_SERVER_KEYS")
                                || env.containsKey("HAVEN_SERVER_KEYS_FILE"),
                        e.getKey() + ": no shared server keys");
                assertEquals(
                        Boolean.TRUE,
                        s.get("read_only"),
                        e.getKey() + ": root filesystem not read-only");
                assertTrue(
                        String.valueOf(s.get("tmpfs")).contains("/tmp"), e.getKey() + ": no /tmp");
                assertTrue(
                        String.valueOf(s.get("volumes")).contains(":/var/lib/haven"),
                        e.getKey() + ": no data volume");
                assertTrue(
                        String.valueOf(map(s.get("healthcheck")).get("test"))
                                .contains("/health/ready"),
                        e.getKey() + ": healthcheck");
                assertNotNull(map(s.get("build")).get("dockerfile"));
            }
        }
        assertTrue(gateways.size() >= 2, "fewer than two gateways: " + gateways);
        Map<String, Object> proxy = map(services.get("proxy"));
        assertTrue(
                String.valueOf(proxy.get("ports")).contains("443:443"), "proxy does not serve TLS");
        assertTrue(
                String.valueOf(proxy.get("volumes")).contains("Caddyfile"),
                "proxy without its config");

        String caddy = Files.readString(DEPLOY.resolve("Caddyfile"));
        for (String g : gateways) {
            assertTrue(caddy.contains(g + ":8080"), "Caddyfile does not proxy to " + g);
        }
        int inbox = caddy.indexOf("handle /inbox*");
        assertTrue(inbox >= 0, "no /inbox route in the Caddyfile");
        int end = caddy.indexOf("\n\t}\n", inbox);
        assertTrue(
                caddy.substring(inbox, end).contains("lb_policy cookie"), "/inbox is not sticky");
        assertTrue(caddy.contains("flush_interval -1"), "SSE would be buffered");
        // the proxy's checks ask for readiness: a gateway whose database is away still takes
        // messages into its spool
        assertTrue(
                caddy.contains("health_uri /health/ready")
                        && !caddy.matches("(?s).*health_uri /health\\s.*"),
                "the proxy takes gateways out of rotation when the database is away");
        assertEquals(count(caddy, '{'), count(caddy, '}'), "unbalanced braces in the Caddyfile");
    }

    /**
     * Verifies the Kubernetes manifests: every kind present and no Secret (applying them again must
     * not overwrite the one created with kubectl), probes on /health, locked-down pods, affinity.
     */
    @Test
    void testKubernetesManifestsAreComplete() throws Exception {
        Map<String, Map<String, Object>> byKind = kubernetes();
        assertEquals(
                Set.of(
                        "StatefulSet",
                        "Service",
                        "Ingress",
                        "HorizontalPodAutoscaler",
                        "PodDisruptionBudget"),
                byKind.keySet());

        Map<String, Object> workload = byKind.get("StatefulSet");
        Map<String, Object> template = map(map(workload.get("spec")).get("template"));
        Map<String, Object> podLabels = map(map(template.get("metadata")).get("labels"));
        Map<String, Object> pod = map(template.get("spec"));
        assertEquals(Boolean.TRUE, map(pod.get("securityContext")).get("runAsNonRoot"));
        Map<String, Object> container = map(list(pod.get("containers")).get(0));
        // a database outage keeps pods in rotation (the spool takes messages) and restarts none
        Map<String, String> probes =
                Map.of(
                        "startupProbe",
                        "/health/live",
                        "livenessProbe",
                        "/health/live",
                        "readinessProbe",
                        "/health/ready");
        probes.forEach(
                (probe, path) ->
                        assertEquals(
                                path,
                                map(map(container.get(probe)).get("httpGet")).get("path"),
                                probe));
        assertEquals(
                Boolean.TRUE, map(container.get("securityContext")).get("readOnlyRootFilesystem"));
        Set<String> mounts = new HashSet<>();
        list(container.get("volumeMounts"))
                .forEach(m -> mounts.add((String) map(m).get("mountPath")));
        assertTrue(mounts.containsAll(Set.of("/var/lib/haven", "/tmp")), "mounts: " + mounts);

        Map<String, String> secretRefs = new HashMap<>();
        for (Object o : list(container.get("env"))) {
            Map<String, Object> env = map(o);
            String name = (String) env.get("name");
            assertTrue(ConfigLoader.isSetting(name), "unknown setting " + name);
            if (env.get("valueFrom") != null) {
                Map<String, Object> ref = map(map(env.get("valueFrom")).get("secretKeyRef"));
                assertFalse(Boolean.TRUE.equals(ref.get("optional")), name + " must be required");
                secretRefs.put((String) ref.get("key"), (String) ref.get("name"));
            }
        }
        assertTrue(
                secretRefs
                        .keySet()
                        .containsAll(
                                Set.of("HAVEN_DB_URL", "HAVEN_SERVER_KEYS", "HAVEN_METRICS_TOKEN")),
                "database URL, server keys and metrics token must come from the Secret: "
                        + secretRefs);
        // the Secret is an example beside the manifests, with every key they ask for
        Map<String, Object> secret =
                map(
                        new Yaml(new LoaderOptions())
                                .load(Files.readString(DEPLOY.resolve("k8s/secret.example.yaml"))));
        assertEquals("Secret", secret.get("kind"));
        for (Map.Entry<String, String> ref : secretRefs.entrySet()) {
            assertEquals(map(secret.get("metadata")).get("name"), ref.getValue());
            assertTrue(
                    map(secret.get("stringData")).containsKey(ref.getKey()),
                    "the example Secret lacks " + ref.getKey());
        }
        // its other keys (channel secrets, the duress word) reach the container too
        assertEquals(
                map(secret.get("metadata")).get("name"),
                map(map(list(container.get("envFrom")).get(0)).get("secretRef")).get("name"),
                "envFrom");
        String header = Files.readString(DEPLOY.resolve("k8s/haven.yaml"));
        assertTrue(
                header.indexOf("kubectl -n haven create secret")
                        < header.indexOf("kubectl -n haven apply -f deploy/k8s/haven.yaml"),
                "the documented order: create the secret, then apply");

        assertEquals(
                podLabels, map(map(map(workload.get("spec")).get("selector")).get("matchLabels")));
        assertEquals(podLabels, map(map(byKind.get("Service").get("spec")).get("selector")));
        assertEquals(
                podLabels,
                map(
                        map(map(byKind.get("PodDisruptionBudget").get("spec")).get("selector"))
                                .get("matchLabels")));
        Map<String, Object> target =
                map(map(byKind.get("HorizontalPodAutoscaler").get("spec")).get("scaleTargetRef"));
        assertEquals("StatefulSet", target.get("kind"));
        assertEquals(map(workload.get("metadata")).get("name"), target.get("name"));
        assertTrue(
                ((Number) map(byKind.get("HorizontalPodAutoscaler").get("spec")).get("minReplicas"))
                                .intValue()
                        >= 2);

        Map<String, Object> annotations =
                map(map(byKind.get("Ingress").get("metadata")).get("annotations"));
        assertEquals(
                "cookie",
                annotations.get("nginx.ingress.kubernetes.io/affinity"),
                "inbox sessions need affinity");
        assertEquals("/inbox", annotations.get("nginx.ingress.kubernetes.io/session-cookie-path"));
        assertNotNull(map(byKind.get("Ingress").get("spec")).get("tls"), "Ingress without TLS");
    }

    /**
     * Verifies that each gateway pod keeps its data directory (the spool of acknowledged messages
     * during an outage) on a volume of its own that outlives the pod and a scale-down, never on an
     * emptyDir.
     */
    @Test
    void testKubernetesKeepsEachSpoolOnAVolumeThatOutlivesThePod() throws Exception {
        Map<String, Object> spec = map(kubernetes().get("StatefulSet").get("spec"));
        Map<String, Object> pod = map(map(spec.get("template")).get("spec"));
        Map<String, Object> container = map(list(pod.get("containers")).get(0));
        String dataDir = null;
        for (Object o : list(container.get("env"))) {
            if ("HAVEN_DATA_DIR".equals(map(o).get("name"))) {
                dataDir = (String) map(o).get("value");
            }
        }
        assertEquals("/var/lib/haven", dataDir, "HAVEN_DATA_DIR");
        String volume = null;
        for (Object o : list(container.get("volumeMounts"))) {
            if (dataDir.equals(map(o).get("mountPath"))) {
                volume = (String) map(o).get("name");
            }
        }
        assertNotNull(volume, "the data directory is not mounted");
        for (Object o : list(pod.get("volumes"))) {
            assertFalse(
                    volume.equals(map(o).get("name")),
                    "the data directory is a pod volume (gone with the pod): " + o);
        }
        Map<String, Object> claim = null;
        for (Object o : list(spec.get("volumeClaimTemplates"))) {
            if (volume.equals(map(map(o).get("metadata")).get("name"))) {
                claim = map(map(o).get("spec"));
            }
        }
        assertNotNull(claim, "no volume claim template for the data directory");
        assertEquals(List.of("ReadWriteOnce"), claim.get("accessModes"));
        assertNotNull(map(map(claim.get("resources")).get("requests")).get("storage"));
        Map<String, Object> retention = map(spec.get("persistentVolumeClaimRetentionPolicy"));
        assertEquals("Retain", retention.get("whenScaled"), "a scale-down would delete a spool");
        assertEquals(
                "Retain",
                retention.get("whenDeleted"),
                "deleting the StatefulSet would delete the spools");
    }

    /**
     * Verifies the Kubernetes pod's way out: a preStop delay before SIGTERM, so the endpoint is
     * gone first, a grace period that covers that delay and Haven's whole shutdown, and a
     * disruption budget that evicts one gateway at a time.
     */
    @Test
    void testKubernetesPodsLeaveTheEndpointsBeforeTheyStop() throws Exception {
        Map<String, Map<String, Object>> byKind = kubernetes();
        Map<String, Object> pod =
                map(map(map(byKind.get("StatefulSet").get("spec")).get("template")).get("spec"));
        Map<String, Object> container = map(list(pod.get("containers")).get(0));
        List<Object> command =
                list(
                        map(map(map(container.get("lifecycle")).get("preStop")).get("exec"))
                                .get("command"));
        assertEquals("sleep", command.get(0), "preStop: " + command);
        long delay = Long.parseLong(String.valueOf(command.get(1)));
        assertTrue(
                delay >= 5,
                "a preStop delay of " + delay + " s is too short for the endpoints to follow");
        long grace = ((Number) pod.get("terminationGracePeriodSeconds")).longValue();
        assertTrue(
                grace >= delay + Haven.SHUTDOWN_BOUND.toSeconds(),
                "terminationGracePeriodSeconds "
                        + grace
                        + " < preStop "
                        + delay
                        + " s + shutdown "
                        + Haven.SHUTDOWN_BOUND);
        Map<String, Object> pdb = map(byKind.get("PodDisruptionBudget").get("spec"));
        assertEquals(1, pdb.get("maxUnavailable"));
        assertFalse(pdb.containsKey("minAvailable"), "both maxUnavailable and minAvailable");
    }

    /**
     * Verifies the Dockerfile: a Maven build stage, a JRE runtime stage, a non-root user, data dir
     * and /tmp as volumes.
     */
    @Test
    void testDockerfileIsMultiStageNonRootWithVolumes() throws Exception {
        List<String> lines = instructions(Files.readString(DEPLOY.resolve("Dockerfile")));
        List<String> froms = lines.stream().filter(l -> l.startsWith("FROM ")).toList();
        assertEquals(2, froms.size(), "stages: " + froms);
        assertTrue(
                froms.get(0).contains("maven") && froms.get(0).endsWith(" AS build"), froms.get(0));
        assertTrue(froms.get(1).contains("jre"), "runtime stage is not a JRE: " + froms.get(1));
        List<String> runtime = lines.subList(lines.indexOf(froms.get(1)), lines.size());
        assertTrue(
                runtime.stream().anyMatch(l -> l.startsWith("COPY --from=build")),
                "jar not copied from the build stage");
        String user =
                runtime.stream()
                        .filter(l -> l.startsWith("USER "))
                        .reduce((x, y) -> y)
                        .orElse("USER root");
        assertFalse(user.matches("USER (root|0)(:.*)?"), "runs as root");
        String volume =
                runtime.stream().filter(l -> l.startsWith("VOLUME ")).findFirst().orElse("");
        assertTrue(
                volume.contains("/var/lib/haven") && volume.contains("\"/tmp\""),
                "volumes: " + volume);
        assertTrue(
                runtime.stream()
                        .anyMatch(l -> l.startsWith("ENTRYPOINT ") && l.contains("haven.jar")),
                "no entrypoint");
        assertTrue(
                runtime.stream()
                        .anyMatch(l -> l.startsWith("HEALTHCHECK ") && l.contains("/health/live")),
                "no liveness check");
        for (String l : lines) {
            String op = l.split(" ", 2)[0];
            assertTrue(
                    Set.of(
                                    "FROM",
                                    "WORKDIR",
                                    "COPY",
                                    "RUN",
                                    "ENV",
                                    "VOLUME",
                                    "USER",
                                    "EXPOSE",
                                    "HEALTHCHECK",
                                    "ENTRYPOINT",
                                    "CMD")
                            .contains(op),
                    "unexpected instruction " + op);
        }
    }

    /** Verifies the systemd unit: its sections, a non-root user, and the hardening options. */
    @Test
    void testSystemdUnitIsHardened() throws Exception {
        Map<String, Map<String, List<String>>> unit = systemdUnit();
        assertEquals(List.of("Unit", "Service", "Install"), new ArrayList<>(unit.keySet()));
        Map<String, List<String>> service = unit.get("Service");
        assertEquals(List.of("haven"), service.get("User"));
        assertTrue(service.get("ExecStart").get(0).contains("haven.jar"));
        Map<String, String> hardening =
                Map.of(
                        "NoNewPrivileges",
                        "true",
                        "ProtectSystem",
                        "strict",
                        "ProtectHome",
                        "true",
                        "PrivateTmp",
                        "true",
                        "PrivateDevices",
                        "true",
                        "RestrictSUIDSGID",
                        "true",
                        "CapabilityBoundingSet",
                        "");
        hardening.forEach((k, v) -> assertEquals(List.of(v), service.get(k), k));
        assertTrue(
                service.get("EnvironmentFile").get(0).startsWith("/etc/haven/"),
                "settings not from an environment file");
    }

    /**
     * Verifies that every setting Haven reads reaches both compose gateways from the env file
     * (compose's env_file over the image's defaults, then its environment over that, interpolated
     * from the same file): given an env file that sets each one to its own value, each gateway's
     * environment holds that value, except the few this compose file fixes, each for a reason.
     */
    @Test
    void testComposePassesEverySettingOfTheEnvFile() throws Exception {
        String text = Files.readString(DEPLOY.resolve("compose.yaml"));
        assertTrue(
                text.contains("--env-file deploy/haven.env"),
                "the documented command reads another env file");
        Set<String> settings = new TreeSet<>(ConfigLoader.variables());
        Matcher documented = HAVEN_VAR.matcher(Files.readString(Path.of("..", "README.md")));
        while (documented.find()) {
            if (ConfigLoader.isSetting(documented.group())) {
                settings.add(documented.group()); // the channels' settings, known by their prefix
            }
        }
        assertTrue(
                settings.containsAll(
                        Set.of(
                                "HAVEN_TWILIO_AUTH_TOKEN",
                                "HAVEN_TELEGRAM_BOT_TOKEN",
                                "HAVEN_DURESS_WORD",
                                "HAVEN_METRICS_TOKEN",
                                "HAVEN_RETENTION_DAYS")),
                "settings: " + settings);
        Map<String, String> fixed =
                Map.of(
                        "HAVEN_HTTP_HOST",
                                "Caddy and the health check reach port 8080 on the container's address",
                        "HAVEN_HTTP_PORT",
                                "Caddy and the health check reach port 8080 on the container's address",
                        "HAVEN_DATA_DIR", "the gateway's volume",
                        "HAVEN_DB_URL", "the postgres service, with POSTGRES_PASSWORD",
                        "HAVEN_SERVER_KEYS_FILE", "the compose secret haven_server_keys",
                        "HAVEN_PUBLIC_URL", "https:// and HAVEN_DOMAIN, which Caddy serves",
                        "HAVEN_TRUSTED_PROXIES", "Caddy's subnet");
        Map<String, String> envFile = new LinkedHashMap<>();
        settings.forEach(v -> envFile.put(v, "value-of-" + v));
        envFile.put("HAVEN_DOMAIN", "help.example.org");
        envFile.put("POSTGRES_PASSWORD", "value-of-POSTGRES_PASSWORD");

        Map<String, Object> services =
                map(map(new Yaml(new LoaderOptions()).load(text)).get("services"));
        int gateways = 0;
        for (Map.Entry<String, Object> e : services.entrySet()) {
            Map<String, Object> s = map(e.getValue());
            if (!"haven:0.1".equals(s.get("image"))) {
                continue;
            }
            gateways++;
            assertEquals(
                    "haven.env",
                    String.valueOf(s.get("env_file")).replaceAll("^\\[?(\\./)?|\\]$", ""),
                    e.getKey() + ": env_file is not the env file compose reads (deploy/haven.env)");
            Map<String, String> container = new HashMap<>(envFile); // env_file
            map(s.get("environment"))
                    .forEach((k, v) -> container.put(k, interpolate(String.valueOf(v), envFile)));
            for (String setting : settings) {
                if (fixed.containsKey(setting)) {
                    assertTrue(
                            map(s.get("environment")).containsKey(setting),
                            setting + " is said to be fixed but is not");
                    continue;
                }
                assertEquals(
                        "value-of-" + setting,
                        container.get(setting),
                        e.getKey() + ": " + setting + " from the env file");
            }
        }
        assertTrue(gateways >= 2, "gateways: " + gateways);
        // what compose requires (${VAR:?…}) is in the example env file
        String example = Files.readString(DEPLOY.resolve("haven.env.example"));
        Matcher required = Pattern.compile("\\$\\{([A-Z_]+):\\?").matcher(text);
        while (required.find()) {
            assertTrue(
                    example.contains("\n" + required.group(1) + "="),
                    "haven.env.example lacks " + required.group(1));
        }
    }

    /**
     * Verifies that /metrics needs its token wherever it is reachable: compose refuses to start
     * without HAVEN_METRICS_TOKEN and Caddy answers /metrics with 404 before any proxying, the
     * Kubernetes pods require it from their Secret, and the systemd env file's placeholder is
     * refused by Haven until a real token replaces it.
     */
    @Test
    void testMetricsNeedTheirTokenInEveryShippedConfig() throws Exception {
        Map<String, Object> services =
                map(
                        map(new Yaml(new LoaderOptions())
                                        .load(Files.readString(DEPLOY.resolve("compose.yaml"))))
                                .get("services"));
        for (Map.Entry<String, Object> e : services.entrySet()) {
            if ("haven:0.1".equals(map(e.getValue()).get("image"))) {
                String token =
                        String.valueOf(
                                map(map(e.getValue()).get("environment"))
                                        .get("HAVEN_METRICS_TOKEN"));
                assertTrue(
                        token.startsWith("${HAVEN_METRICS_TOKEN:?"),
                        e.getKey() + ": the metrics token is not required: " + token);
            }
        }
        String caddy = Files.readString(DEPLOY.resolve("Caddyfile"));
        Matcher metrics =
                Pattern.compile("handle /metrics\\* \\{\\s*respond 404\\s*}").matcher(caddy);
        assertTrue(metrics.find(), "Caddy proxies /metrics");

        Map<String, Object> pod =
                map(
                        map(map(kubernetes().get("StatefulSet").get("spec")).get("template"))
                                .get("spec"));
        boolean fromSecret = false;
        for (Object o : list(map(list(pod.get("containers")).get(0)).get("env"))) {
            if ("HAVEN_METRICS_TOKEN".equals(map(o).get("name"))) {
                fromSecret = map(map(o).get("valueFrom")).containsKey("secretKeyRef");
            }
        }
        assertTrue(fromSecret, "the pods do not require HAVEN_METRICS_TOKEN");

        Map<String, String> systemd = envFile(DEPLOY.resolve("haven.env.systemd.example"));
        assertTrue(
                systemd.containsKey("HAVEN_METRICS_TOKEN"),
                "the systemd env file leaves /metrics open");
        Map<String, String> env = new HashMap<>(systemd);
        env.put("HAVEN_DATA_DIR", "/var/lib/haven");
        ConfigException refused =
                assertThrows(ConfigException.class, () -> ConfigLoader.load(env, null));
        assertTrue(refused.getMessage().contains("HAVEN_METRICS_TOKEN"), refused.getMessage());
        env.put("HAVEN_METRICS_TOKEN", "0123456789abcdef0123");
        assertEquals(
                Optional.of("0123456789abcdef0123"), ConfigLoader.load(env, null).metricsToken());
    }

    /** Verifies that Caddy sends HSTS (at least a year) on every response of the site. */
    @Test
    void testCaddySendsStrictTransportSecurity() throws Exception {
        String caddy = Files.readString(DEPLOY.resolve("Caddyfile"));
        Matcher hsts =
                Pattern.compile(
                                "(?m)^\\theader Strict-Transport-Security \"max-age=(\\d+)[^\"]*\"$")
                        .matcher(caddy);
        assertTrue(hsts.find(), "no Strict-Transport-Security at the site's top level");
        assertTrue(
                Long.parseLong(hsts.group(1)) >= 31_536_000L,
                "max-age under a year: " + hsts.group(1));
    }

    /**
     * Verifies that every JVM the deploy files start has a memory limit to size itself by, and
     * exits on OutOfMemoryError (to be restarted) instead of running on half-broken.
     */
    @Test
    void testJvmsRunWithMemoryLimitsAndExitOnOutOfMemory() throws Exception {
        String toolOptions =
                instructions(Files.readString(DEPLOY.resolve("Dockerfile"))).stream()
                        .filter(l -> l.startsWith("ENV ") && l.contains("JAVA_TOOL_OPTIONS"))
                        .findFirst()
                        .orElse("");
        assertTrue(
                toolOptions.contains("-XX:MaxRAMPercentage=")
                        && toolOptions.contains("-XX:+ExitOnOutOfMemoryError"),
                "the image's JVM options: " + toolOptions);
        Map<String, Object> services =
                map(
                        map(new Yaml(new LoaderOptions())
                                        .load(Files.readString(DEPLOY.resolve("compose.yaml"))))
                                .get("services"));
        for (Map.Entry<String, Object> e : services.entrySet()) {
            Map<String, Object> s = map(e.getValue());
            if ("haven:0.1".equals(s.get("image"))) {
                Object limit =
                        s.get("mem_limit") != null
                                ? s.get("mem_limit")
                                : map(map(map(s.get("deploy")).get("resources")).get("limits"))
                                        .get("memory");
                assertNotNull(limit, e.getKey() + ": no memory limit");
                assertFalse(
                        map(s.get("environment")).containsKey("JAVA_TOOL_OPTIONS"),
                        "the image's JVM options replaced");
            }
        }
        Map<String, Object> pod =
                map(
                        map(map(kubernetes().get("StatefulSet").get("spec")).get("template"))
                                .get("spec"));
        Map<String, Object> container = map(list(pod.get("containers")).get(0));
        assertNotNull(
                map(map(container.get("resources")).get("limits")).get("memory"),
                "the pods have no memory limit");
        for (Object o : list(container.get("env"))) {
            assertFalse(
                    "JAVA_TOOL_OPTIONS".equals(map(o).get("name")),
                    "the image's JVM options replaced");
        }
        String unitOptions =
                systemdService().get("Environment").stream()
                        .filter(v -> v.contains("JAVA_TOOL_OPTIONS"))
                        .findFirst()
                        .orElse("");
        assertTrue(
                unitOptions.contains("-XX:MaxRAMPercentage=")
                        && unitOptions.contains("-XX:+ExitOnOutOfMemoryError"),
                "the unit's JVM options: " + unitOptions);
    }

    /**
     * Verifies that compose and systemd wait for Haven's whole shutdown (requests in flight, the
     * workers, the pool: {@link Haven#SHUTDOWN_BOUND}) before they kill it.
     */
    @Test
    void testStopTimeoutsCoverHavensShutdown() throws Exception {
        long bound = Haven.SHUTDOWN_BOUND.toSeconds();
        Map<String, Object> services =
                map(
                        map(new Yaml(new LoaderOptions())
                                        .load(Files.readString(DEPLOY.resolve("compose.yaml"))))
                                .get("services"));
        for (Map.Entry<String, Object> e : services.entrySet()) {
            Map<String, Object> s = map(e.getValue());
            if ("haven:0.1".equals(s.get("image"))) {
                long grace = seconds(String.valueOf(s.get("stop_grace_period")));
                assertTrue(
                        grace >= bound,
                        e.getKey() + ": stop_grace_period " + grace + " s < " + bound + " s");
            }
        }
        long timeout = seconds(systemdService().get("TimeoutStopSec").get(0));
        assertTrue(timeout >= bound, "TimeoutStopSec " + timeout + " s < " + bound + " s");
    }

    /** The systemd unit's sections, each a map of key to its values in order. */
    private static Map<String, Map<String, List<String>>> systemdUnit() throws Exception {
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
            section.computeIfAbsent(line.substring(0, eq), k -> new ArrayList<>())
                    .add(line.substring(eq + 1));
        }
        return unit;
    }

    private static Map<String, List<String>> systemdService() throws Exception {
        return systemdUnit().get("Service");
    }

    /**
     * The Kubernetes manifests that {@code kubectl apply -f deploy/k8s/haven.yaml} applies, by
     * kind.
     */
    private static Map<String, Map<String, Object>> kubernetes() throws Exception {
        Map<String, Map<String, Object>> byKind = new LinkedHashMap<>();
        for (Object doc :
                new Yaml(new LoaderOptions())
                        .loadAll(Files.readString(DEPLOY.resolve("k8s/haven.yaml")))) {
            Map<String, Object> d = map(doc);
            assertNotNull(d.get("apiVersion"), "a document without apiVersion");
            assertNotNull(map(d.get("metadata")).get("name"), "a document without a name");
            assertFalse(byKind.containsKey((String) d.get("kind")), "two of kind " + d.get("kind"));
            byKind.put((String) d.get("kind"), d);
        }
        return byKind;
    }

    /** The {@code NAME=value} lines of an env file (comments and blank lines left out). */
    private static Map<String, String> envFile(Path file) throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        for (String raw : Files.readAllLines(file)) {
            String line = raw.strip();
            if (!line.isEmpty() && !line.startsWith("#")) {
                out.put(
                        line.substring(0, line.indexOf('=')),
                        line.substring(line.indexOf('=') + 1));
            }
        }
        return out;
    }

    /**
     * Compose's interpolation of {@code ${VAR}}, {@code ${VAR:-default}}, {@code ${VAR-default}},
     * {@code ${VAR:?error}} and {@code ${VAR?error}} from {@code env} (no nesting: the deploy files
     * use none); a required variable that is missing fails, as compose does.
     */
    private static String interpolate(String value, Map<String, String> env) {
        Matcher m =
                Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?}")
                        .matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String op = m.group(2) == null ? "" : m.group(2);
            String v = env.get(name);
            boolean missing = op.startsWith(":") ? v == null || v.isEmpty() : v == null;
            String replacement;
            if (op.endsWith("?")) {
                assertFalse(missing, "compose refuses to start: " + m.group(3));
                replacement = v;
            } else if (op.endsWith("-")) {
                replacement = missing ? m.group(3) : v;
            } else {
                replacement = v == null ? "" : v;
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** A compose or systemd duration ({@code 45s}, {@code 1m30s}, {@code 90}) in seconds. */
    private static long seconds(String duration) {
        Matcher m = Pattern.compile("(\\d+)(ms|[hms]?)").matcher(duration.strip());
        long total = 0;
        while (m.find()) {
            long n = Long.parseLong(m.group(1));
            total +=
                    switch (m.group(2)) {
                        case "h" -> n * 3600;
                        case "m" -> n * 60;
                        case "ms" -> n / 1000;
                        default -> n;
                    };
        }
        return total;
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
            current.append(more ? line.substring(0, line.length() - 1) : line)
                    .append(more ? " " : "");
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

package org.haven.gateway.admin;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.haven.bot.EngineSettings;
import org.haven.gateway.Haven;
import org.haven.gateway.store.WorkingGroupStore;
import org.haven.gateway.support.TestHaven;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The working groups accounts may belong to come from the intake script: a group that an uploaded
 * script adds becomes one the database accepts for accounts, with no Java to change.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class WorkingGroupsFromScriptTest {

    /**
     * Verifies that the shipped script's groups are known at start, and that uploading a script
     * with a new group ("regina") makes it known too.
     */
    @Test
    void testUploadedScriptsGroupsBecomeKnown(@TempDir Path dataDir) throws Exception {
        try (Haven haven = TestHaven.start(dataDir, Map.of())) {
            IntakeScripts scripts =
                    new IntakeScripts(
                            haven.vertx(), haven.database().db(), EngineSettings.defaults());
            assertTrue(ids(haven).contains("national"), "the shipped script's groups are known");
            assertFalse(ids(haven).contains("regina"));

            IntakeScripts.Source shipped = await(scripts.source());
            String withRegina =
                    shipped.script()
                            .replace(
                                    "    - id: national\n",
                                    "    - id: regina\n"
                                            + "      name: {en: Regina working group, fr: groupe de travail de Regina,"
                                            + " ar: فريق عمل ريجاينا, es: grupo de trabajo de Regina, fa: گروه کاری رجاینا,"
                                            + " ti: ጉጅለ ስራሕ ረጃይና, uk: робоча група Реджайни}\n"
                                            + "      places: [Regina, Saskatoon, Saskatchewan]\n"
                                            + "    - id: national\n");
            IntakeScripts.CheckResult result =
                    await(
                            scripts.upload(
                                    new IntakeScripts.Source(
                                            withRegina, shipped.directory(), "ada")));
            assertTrue(
                    result.ok(), "the script with a new group was refused: " + result.findings());
            assertTrue(ids(haven).contains("regina"), "the uploaded script's new group is unknown");
        }
    }

    private static List<String> ids(Haven haven) throws Exception {
        return await(WorkingGroupStore.ids(haven.database().db()));
    }

    private static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
}

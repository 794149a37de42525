package org.haven.gateway.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.haven.gateway.Haven;
import org.haven.gateway.support.InboxClient;
import org.haven.gateway.support.TestHaven;
import org.haven.gateway.support.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A gateway on a database that a newer version has migrated: what a rolling update (old gateways
 * beside the first new one) and a rollback to the previous image rely on (docs/operations.md,
 * "Upgrades").
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class FutureSchemaTest {

    /**
     * Verifies that a gateway starts and serves on a schema with an applied migration it does not
     * know (an additive one of a later version, here a new table), instead of refusing it.
     */
    @Test
    void testAGatewayStartsOnASchemaMigratedByANewerVersion(@TempDir Path dataDir)
            throws Exception {
        String url = TestPostgres.newDatabase();
        try (Haven first = TestHaven.start(dataDir, Map.of("HAVEN_DB_URL", url))) {
            assertEquals(200, new InboxClient(first.port()).get("/health").statusCode());
        }
        TestPostgres.execute(
                url,
                "CREATE TABLE from_the_future (id bigint PRIMARY KEY)",
                "INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, checksum,"
                        + " installed_by, execution_time, success)"
                        + " SELECT max(installed_rank) + 1, '9999', 'from the future', 'SQL', 'V9999__from_the_future.sql',"
                        + " 0, current_user, 1, true FROM flyway_schema_history");
        try (Haven older = TestHaven.start(dataDir, Map.of("HAVEN_DB_URL", url))) {
            assertEquals(200, new InboxClient(older.port()).get("/health").statusCode());
        }
    }
}

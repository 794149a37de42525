package org.haven.gateway.store;

import java.util.Locale;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateOutput;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flyway's migrate, with what it did logged: one {@code event=migration_applied} line per migration
 * applied (its version and description, which are ours: file names under {@code db/migration}, no
 * data), then {@code event=schema_ready} with the version the schema is at. Logged at INFO by the
 * server and the administrator's commands alike (logback.xml keeps this logger at INFO where a
 * command quietens the rest).
 */
public final class Migrations {
    private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);

    private Migrations() {}

    /** Migrates and logs the migrations applied. */
    public static MigrateResult migrate(Flyway flyway) {
        MigrateResult result = flyway.migrate();
        for (MigrateOutput m : result.migrations) {
            LOG.info(
                    "event=migration_applied version={} description={} type={}",
                    m.version,
                    word(m.description),
                    m.type == null ? "" : m.type.toLowerCase(Locale.ROOT));
        }
        String version =
                result.targetSchemaVersion != null
                        ? result.targetSchemaVersion
                        : result.initialSchemaVersion;
        LOG.info("event=schema_ready version={} applied={}", version, result.migrationsExecuted);
        return result;
    }

    /**
     * A description as one key=value word: Flyway turns the file name's underscores into spaces;
     * they go back.
     */
    static String word(String description) {
        return description == null ? "" : description.strip().replaceAll("\\s+", "_");
    }
}

package org.haven.gateway.cli;

import java.nio.file.FileSystemException;
import java.nio.file.Path;
import org.haven.gateway.config.DatabaseUrl;
import org.haven.gateway.store.backup.LogicalBackup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code haven restore DIR}: loads a backup into the fresh database named by HAVEN_DB_URL. */
@Command(
        name = "restore",
        mixinStandardHelpOptions = true,
        description =
                "Restore a backup made by 'haven backup' into the fresh, empty HAVEN_DB_URL database.")
public final class RestoreCommand extends OnExternalDatabase {
    @Parameters(index = "0", description = "backup directory")
    Path dir;

    @Override
    String name() {
        return "restore";
    }

    @Override
    String run(DatabaseUrl db) throws Exception {
        try {
            var summary = LogicalBackup.restore(db, dir);
            return "restored schema " + summary.schemaVersion() + ": " + summary.rows();
        } catch (FileSystemException e) {
            throw new Cli.Failure("restore: cannot read " + Reasons.file(e));
        }
    }
}

package org.haven.gateway.cli;

import java.nio.file.FileSystemException;
import java.nio.file.Path;
import org.haven.gateway.config.DatabaseUrl;
import org.haven.gateway.store.backup.LogicalBackup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code haven backup DIR}: copies every table of the HAVEN_DB_URL database into a new private
 * directory (ciphertext only, no keys).
 */
@Command(
        name = "backup",
        mixinStandardHelpOptions = true,
        description =
                "Write a logical backup of the HAVEN_DB_URL database into a new or empty directory, made 0700 with"
                        + " files 0600 (see docs/operations.md).")
public final class BackupCommand extends OnExternalDatabase {
    @Parameters(index = "0", description = "directory to write (must not exist or be empty)")
    Path dir;

    @Override
    String name() {
        return "backup";
    }

    @Override
    String run(DatabaseUrl db) throws Exception {
        try {
            var summary = LogicalBackup.backup(db, dir);
            return "backup of schema "
                    + summary.schemaVersion()
                    + " written to "
                    + dir
                    + ": "
                    + summary.rows();
        } catch (FileSystemException e) {
            throw new Cli.Failure("backup: cannot write " + Reasons.file(e));
        }
    }
}

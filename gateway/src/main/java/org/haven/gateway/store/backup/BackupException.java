package org.haven.gateway.store.backup;

import java.io.IOException;

/**
 * A backup or restore that cannot go on, for a reason its message states in words an operator acts
 * on ("the database is not empty (12 tables with rows); restore into a fresh database"). Never
 * holds data from the database or the backup, only paths, names and counts.
 */
public final class BackupException extends IOException {
    private static final long serialVersionUID = 1L;

    BackupException(String message) {
        super(message);
    }

    BackupException(String message, Throwable cause) {
        super(message, cause);
    }
}

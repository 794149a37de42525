package org.haven.gateway.keys;

import java.util.concurrent.TimeUnit;
import org.haven.gateway.store.KeyRecordStore.TeamKeyRow;

/**
 * Test support: makes a running installation's first team key look like one set up before
 * working-group keys, by pinning it with the {@code hvpin1-} form (in the pin file, as such an
 * installation holds it). What a test needs to simulate the genuine upgrade; the pin is outside the
 * database, so this is no database writer's move.
 */
public final class InstallBeforeGroupKeys {
    private InstallBeforeGroupKeys() {}

    /** Pins {@code teamKeys}' first key as a key from before group keys, and reloads. */
    public static void pin(TeamKeys teamKeys) throws Exception {
        TeamKeyRow root = teamKeys.verified().chain().get(0);
        teamKeys.replacePin(TeamKeyPin.of(root.publicKey(), root.signingKey()))
                .compose(v -> teamKeys.reload())
                .toCompletionStage()
                .toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
        if (teamKeys.verified().administratorsOnly()) {
            throw new IllegalStateException("the team key is still administrators only");
        }
    }
}

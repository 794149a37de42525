package org.haven.gateway.keys;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Optional;
import org.haven.gateway.store.AccountStore;

/**
 * A new one-time setup code for a lost one, while no administrator exists. The old code sealed the
 * team key's private half, and nothing else holds it; so a new team key is made and sealed under a
 * new code, in place of the old key and its sealed half (the old code opens nothing any more). The
 * new key has a new pin. Cases written before setup were sealed to the old key: with its code lost
 * they were unreadable already, and stay so.
 */
public final class SetupCodeReissue {

    /** The new code (shown once), the new team key's pin, and the cases sealed to the old key. */
    public record Reissued(String code, TeamKeyPin pin, long casesSealedToOldKey) {}

    private SetupCodeReissue() {}

    /** Replaces the pending setup; empty when there is none (setup done) or an account exists. */
    public static Future<Optional<Reissued>> reissue(Vertx vertx, AccountStore accounts) {
        return vertx.executeBlocking(TeamKeys::createWithSetupCode)
                .compose(
                        created ->
                                accounts.replaceSetup(created.row(), created.sealed())
                                        .map(
                                                replaced ->
                                                        replaced.map(
                                                                r ->
                                                                        new Reissued(
                                                                                created.code(),
                                                                                TeamKeyPin
                                                                                        .administratorsOnly(
                                                                                                created.row()
                                                                                                        .publicKey(),
                                                                                                created.row()
                                                                                                        .signingKey()),
                                                                                r
                                                                                        .casesSealedToOldKey()))));
    }
}

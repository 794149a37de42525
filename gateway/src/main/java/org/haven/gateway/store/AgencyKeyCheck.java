package org.haven.gateway.store;

import io.vertx.core.Future;

/**
 * Decides whether an agency's key record, as read from the database, may be used as a recipient:
 * true only when its signature verifies (docs/crypto.md, "Key records"). Never fails: a record that
 * cannot be verified is answered false.
 */
@FunctionalInterface
public interface AgencyKeyCheck {
    /** Uses no agency key at all. */
    AgencyKeyCheck NONE = row -> Future.succeededFuture(false);

    /** Whether {@code row}'s key may be sealed to. */
    Future<Boolean> verified(KeyRecordStore.AgencyKeyRow row);
}

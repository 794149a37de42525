package org.haven.gateway.admin;

import io.vertx.core.Future;
import java.security.SecureRandom;
import java.util.Optional;
import org.haven.bot.engine.ReferralCode;
import org.haven.crypto.KeyedHash;
import org.haven.crypto.RecipientPrivateKey;
import org.haven.gateway.keys.AccountSigner;
import org.haven.gateway.keys.AgencyKeyCustody;
import org.haven.gateway.keys.TeamKeys;
import org.haven.gateway.store.AgencyStore;
import org.haven.gateway.store.AuditLog;
import org.haven.gateway.web.Text;

/**
 * Adding an agency, for the Team page and for {@code haven agency add}: a fresh referral code (six
 * digits and a check digit) and the agency's own key, sealed to the acting administrator's unlocked
 * team key and its record signed by them, in one transaction with the {@code agency_created:<id>}
 * audit entry.
 */
public final class AgencyCreation {
    /** The longest agency name accepted. */
    public static final int MAX_NAME = 120;

    /** A new agency: its id and the referral code its workers give in the intake. */
    public record Created(long id, String referralCode) {}

    /** The failure of {@link #create} when an agency of that name exists. */
    public static final class NameTaken extends Exception {
        private static final long serialVersionUID = 1L;

        public NameTaken() {
            super("That agency exists already.");
        }
    }

    private final AgencyStore agencies;
    private final AgencyKeyCustody keys;
    private final SecureRandom random = new SecureRandom();
    private final KeyedHash auditKey;

    public AgencyCreation(AgencyStore agencies, TeamKeys teamKeys, KeyedHash auditKey) {
        this.agencies = agencies;
        this.auditKey = auditKey;
        this.keys = new AgencyKeyCustody(agencies, teamKeys);
    }

    /** The problem with an agency's name, if any. */
    public static Optional<String> nameProblem(String name, String language) {
        return name == null || name.isBlank() || name.strip().length() > MAX_NAME
                ? Optional.of(
                        Text.t(language, "rules.agency_name")
                                .replace("{n}", Integer.toString(MAX_NAME)))
                : Optional.empty();
    }

    /**
     * Adds agency {@code name} as {@code actor}, its key sealed to {@code team} and its key record
     * signed by {@code admin} (the acting administrator's signing key); fails with {@link
     * NameTaken}.
     */
    public Future<Created> create(
            String actor, String name, RecipientPrivateKey team, AccountSigner admin) {
        return create(actor, name, team, admin, 3);
    }

    private Future<Created> create(
            String actor, String name, RecipientPrivateKey team, AccountSigner admin, int tries) {
        String code = ReferralCode.issue(random);
        return agencies.db()
                .transaction(
                        tx ->
                                agencies.create(tx, name.strip(), code)
                                        .compose(id -> keys.ensure(tx, id, team, admin).map(id))
                                        .compose(
                                                id ->
                                                        new AuditLog(tx, auditKey)
                                                                .record(
                                                                        actor,
                                                                        "agency_created:" + id,
                                                                        null)
                                                                .map(id)))
                .map(id -> new Created(id, code))
                .recover(
                        err -> {
                            String message = String.valueOf(err.getMessage());
                            if (message.contains("referral_code") && tries > 1) {
                                return create(
                                        actor, name, team, admin,
                                        tries - 1); // a code already issued: draw another
                            }
                            return Future.failedFuture(
                                    message.contains("duplicate key") ? new NameTaken() : err);
                        });
    }
}

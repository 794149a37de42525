package org.haven.crypto;

import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Optional;

/**
 * Why an OpenPGP public key cannot be encrypted to. The reason is for the person who pasted the key
 * (each has its own words in the inbox); {@link #at()} is the date it expired or was revoked, when
 * there is one.
 */
public final class OpenPgpKeyException extends GeneralSecurityException {
    private static final long serialVersionUID = 1L;

    /** What is wrong with the key. */
    public enum Reason {
        /** Not an armored OpenPGP public key at all (or damaged). */
        NOT_A_KEY,
        /** More than one key (one block holding several, or several blocks). */
        SEVERAL_KEYS,
        /** A secret (private) key was given: never paste one. */
        SECRET_KEY,
        /** The key itself is revoked. */
        REVOKED,
        /** The key itself has expired. */
        EXPIRED,
        /** Its encryption subkey is revoked, and no other can encrypt. */
        ENCRYPTION_KEY_REVOKED,
        /** Its encryption subkey has expired, and no other can encrypt. */
        ENCRYPTION_KEY_EXPIRED,
        /** No part of the key may encrypt (a sign-only key). */
        NO_ENCRYPTION_KEY,
        /**
         * An algorithm or size below today's minimum (RSA, DSA or ElGamal under 2048 bits, for
         * example).
         */
        WEAK,
        /** Its self-signatures do not verify, or no user id is bound to it. */
        NOT_VALID
    }

    private final Reason reason;
    private final transient Instant at;

    public OpenPgpKeyException(Reason reason, Instant at) {
        super("OpenPGP key refused: " + reason);
        this.reason = reason;
        this.at = at;
    }

    public OpenPgpKeyException(Reason reason) {
        this(reason, null);
    }

    public Reason reason() {
        return reason;
    }

    /** When the key or subkey expired or was revoked, if that is the reason. */
    public Optional<Instant> at() {
        return Optional.ofNullable(at);
    }
}

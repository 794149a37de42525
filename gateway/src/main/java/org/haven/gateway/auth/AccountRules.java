package org.haven.gateway.auth;

import java.util.Optional;

/**
 * What a new account's username and passphrase must be: checked alike by the first administrator's
 * setup, the Team page, a passphrase change and the command line.
 */
public final class AccountRules {
    /** Shortest passphrase accepted. */
    public static final int MIN_PASSPHRASE = 12;

    private AccountRules() {}

    /** Checks a new account's username and passphrase; the error to show, if any. */
    public static Optional<String> validateNewAccount(
            String username, String pass, String confirm) {
        return validateUsername(username).or(() -> validatePassphrase(pass, confirm));
    }

    /** Checks a new account's username; the error to show, if any. */
    public static Optional<String> validateUsername(String username) {
        if (username.isEmpty() || username.length() > 64 || !username.matches("[A-Za-z0-9._-]+")) {
            return Optional.of(
                    "Choose a username of letters, digits, dots, dashes or underscores.");
        }
        return Optional.empty();
    }

    /** Checks a new passphrase and its confirmation; the error to show, if any. */
    public static Optional<String> validatePassphrase(String pass, String confirm) {
        if (pass == null || pass.length() < MIN_PASSPHRASE) {
            return Optional.of(
                    "The passphrase must be at least " + MIN_PASSPHRASE + " characters.");
        }
        if (!pass.equals(confirm)) {
            return Optional.of("The two passphrases differ.");
        }
        return Optional.empty();
    }
}

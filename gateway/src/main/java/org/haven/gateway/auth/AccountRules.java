package org.haven.gateway.auth;

import java.util.Optional;
import org.haven.gateway.web.Text;

/**
 * What a new account's username and passphrase must be: checked alike by the first administrator's
 * setup, the Team page, a passphrase change and the command line.
 */
public final class AccountRules {
    /** Shortest passphrase accepted. */
    public static final int MIN_PASSPHRASE = 12;

    private AccountRules() {}

    /**
     * Checks a new account's username and passphrase; the error to show, if any, in {@code
     * language}.
     */
    public static Optional<String> validateNewAccount(
            String username, String pass, String confirm, String language) {
        return validateUsername(username, language)
                .or(() -> validatePassphrase(pass, confirm, language));
    }

    /** Checks a new account's username; the error to show, if any, in {@code language}. */
    public static Optional<String> validateUsername(String username, String language) {
        if (username.isEmpty() || username.length() > 64 || !username.matches("[A-Za-z0-9._-]+")) {
            return Optional.of(Text.t(language, "rules.username"));
        }
        return Optional.empty();
    }

    /**
     * Checks a new passphrase and its confirmation; the error to show, if any, in {@code language}.
     */
    public static Optional<String> validatePassphrase(
            String pass, String confirm, String language) {
        if (pass == null || pass.length() < MIN_PASSPHRASE) {
            return Optional.of(
                    Text.t(language, "rules.passphrase_short")
                            .replace("{n}", Integer.toString(MIN_PASSPHRASE)));
        }
        if (!pass.equals(confirm)) {
            return Optional.of(Text.t(language, "rules.passphrase_differs"));
        }
        return Optional.empty();
    }
}

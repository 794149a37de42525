package org.haven.crypto;

/**
 * Token that gates access to raw secret key bytes, like Tink's {@code InsecureSecretKeyAccess}.
 *
 * <p>Every method that exports or imports unwrapped secret key material takes this token, so each
 * such place in the code base is found by searching for {@code SecretKeyAccess.INSECURE}. Prefer
 * storing keys sealed ({@link PassphraseBox}, {@link DataKey#sealTo}).
 */
public final class SecretKeyAccess {
    /**
     * The only instance. Its use marks a place where raw secret bytes leave or enter this module.
     */
    public static final SecretKeyAccess INSECURE = new SecretKeyAccess();

    private SecretKeyAccess() {}

    static void require(SecretKeyAccess access) {
        if (access != INSECURE) {
            throw new SecurityException("SecretKeyAccess token required");
        }
    }
}

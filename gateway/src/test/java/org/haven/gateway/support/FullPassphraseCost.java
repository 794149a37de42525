package org.haven.gateway.support;

import org.haven.crypto.Argon2Params;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a test class at the passphrase cost Haven ships with: the suite otherwise hashes and seals
 * at the OWASP minimum ({@link Argon2Params#TEST_MINIMUM}, set by the gateway's surefire), which
 * saves most of its processor time. For the classes whose subject is the cost itself, and
 * measurements of logins ({@code LoginLoadMeasurement}). Use with
 * {@code @ExtendWith(FullPassphraseCost.class)}; the test classes of a JVM run one after another.
 */
public final class FullPassphraseCost implements BeforeAllCallback, AfterAllCallback {
    private static final ExtensionContext.Namespace NS =
            ExtensionContext.Namespace.create(FullPassphraseCost.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        String before = System.getProperty(Argon2Params.TEST_MINIMUM);
        context.getStore(NS).put("before", before == null ? "" : before);
        System.clearProperty(Argon2Params.TEST_MINIMUM);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        String before = context.getStore(NS).get("before", String.class);
        if (before != null && !before.isEmpty()) {
            System.setProperty(Argon2Params.TEST_MINIMUM, before);
        }
    }
}

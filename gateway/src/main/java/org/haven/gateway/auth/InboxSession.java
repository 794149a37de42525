package org.haven.gateway.auth;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.haven.crypto.RecipientPrivateKey;
import org.haven.gateway.keys.AccountSigner;
import org.haven.gateway.web.Viewer;

/**
 * A logged-in inbox user. A coordinator's or admin's session holds the team private key in memory
 * only, for as long as the session lives, an agency worker's session its agency's key, an
 * administrator's session their signing key; {@link #end()} wipes them. A session opened with a
 * one-time passphrase may do nothing but choose its own passphrase; then one that has not yet
 * enrolled its second factor may do nothing but enrol.
 */
public final class InboxSession implements Viewer {
    private final String id;
    private final long accountId;
    private final String username;
    private final String role;
    private final Set<String> groups;
    private final Long agencyId;
    private final String csrfToken;
    private final Instant createdAt;
    private final List<RecipientPrivateKey> teamKeys;
    private final List<RecipientPrivateKey> agencyKeys;
    private final AccountSigner signer;
    private volatile boolean secondFactorDone;
    private volatile boolean passphraseChosen;
    private volatile String language;
    private volatile Instant lastSeen;
    private volatile Instant reauthenticatedAt;

    InboxSession(String id, SessionGrant grant, String csrfToken, Instant now) {
        this.id = id;
        this.accountId = grant.accountId();
        this.username = grant.username();
        this.role = grant.role();
        this.groups = Set.copyOf(grant.groups());
        this.agencyId = grant.agencyId();
        this.teamKeys = new CopyOnWriteArrayList<>(grant.teamKeys());
        this.agencyKeys = List.copyOf(grant.agencyKeys());
        this.signer = grant.signer();
        this.secondFactorDone = grant.secondFactorDone();
        this.passphraseChosen = grant.passphraseChosen();
        this.language = grant.language();
        this.csrfToken = csrfToken;
        this.createdAt = now;
        this.lastSeen = now;
        this.reauthenticatedAt = now;
    }

    public String id() {
        return id;
    }

    public long accountId() {
        return accountId;
    }

    @Override
    public String username() {
        return username;
    }

    public String role() {
        return role;
    }

    @Override
    public boolean isAdmin() {
        return "admin".equals(role);
    }

    @Override
    public boolean isAgency() {
        return "agency".equals(role);
    }

    /** Working groups whose cases this user works (admins: all). */
    public Set<String> groups() {
        return groups;
    }

    public Long agencyId() {
        return agencyId;
    }

    @Override
    public String csrfToken() {
        return csrfToken;
    }

    public Instant createdAt() {
        return createdAt;
    }

    /**
     * The team private keys this session unlocked (current and not yet retired); none for agencies.
     */
    public List<RecipientPrivateKey> teamKeys() {
        return teamKeys;
    }

    /**
     * The agency key this agency worker's session unlocked (none for other roles, or before a
     * grant).
     */
    public List<RecipientPrivateKey> agencyKeys() {
        return agencyKeys;
    }

    /** The unlocked team key with this id, if the session holds it. */
    public Optional<RecipientPrivateKey> teamKey(String keyId) {
        return teamKeys.stream()
                .filter(k -> !k.isDestroyed() && k.publicKey().keyId().equals(keyId))
                .findFirst();
    }

    /** An administrator's signing key (signs the key records they create); null for other roles. */
    public AccountSigner signer() {
        return signer;
    }

    /** Adds a key unlocked during the session (the team key was just rotated by this user). */
    public void addTeamKey(RecipientPrivateKey key) {
        teamKeys.add(key);
    }

    @Override
    public boolean secondFactorDone() {
        return secondFactorDone;
    }

    void completeSecondFactor() {
        secondFactorDone = true;
    }

    /** False until a session opened with a one-time passphrase has chosen its own. */
    @Override
    public boolean passphraseChosen() {
        return passphraseChosen;
    }

    void passphraseChosen(boolean chosen) {
        passphraseChosen = chosen;
    }

    public String language() {
        return language;
    }

    public void language(String language) {
        this.language = language;
    }

    Instant lastSeen() {
        return lastSeen;
    }

    void touch(Instant now) {
        lastSeen = now;
    }

    /** When the passphrase was last proven (login or re-authentication before an export). */
    public Instant reauthenticatedAt() {
        return reauthenticatedAt;
    }

    void reauthenticated(Instant now) {
        reauthenticatedAt = now;
    }

    void end() {
        teamKeys.forEach(RecipientPrivateKey::destroy);
        agencyKeys.forEach(RecipientPrivateKey::destroy);
        if (signer != null) {
            signer.destroy();
        }
    }
}

package org.haven.gateway.keys;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import org.haven.gateway.store.KeyRecordStore;

/**
 * The fingerprint of the first team key, kept outside the database (with the server keys): the root
 * from which every key record is verified. A database writer can change any row, but not this, so
 * no team key they write verifies.
 *
 * <p>Text form {@code hvpin2-<64 hex>}: SHA-256 over ASCII {@code haven/team-key-pin/v2}, the
 * 32-byte X25519 public key and the 32-byte Ed25519 public key of the first team key, for a key
 * made since working-group keys: it says that key is granted to administrators only (as the {@code
 * haven/team-key/v2} record says of each later key), which no database row can take back. {@code
 * hvpin1-<64 hex>} (label {@code haven/team-key-pin/v1}) pins the first key of an installation set
 * up before working-group keys, whose coordinators may hold the team key. An installation from
 * before signed key records is pinned at its first start after the upgrade by {@code hvpin0-<64
 * hex>}: SHA-256 over ASCII {@code haven/team-key-pin/v0} and the X25519 public key alone (its
 * Ed25519 key is not known until an administrator opens the key), and the next administrator login
 * replaces it by the full pin. Kept in {@code <data dir>/secrets/team-key-pin} (mode 0600) or given
 * as {@code HAVEN_TEAM_KEY_PIN} (which wins).
 */
public final class TeamKeyPin {
    private static final int LEGACY = 0;
    private static final int BEFORE_GROUP_KEYS = 1;
    private static final int ADMINISTRATORS_ONLY = 2;

    /** The form: 0 upgrade pin, 1 first key from before group keys, 2 administrators only. */
    private final int version;

    private final boolean legacy;
    private final byte[] digest;

    private TeamKeyPin(int version, byte[] digest) {
        this.version = version;
        this.legacy = version == LEGACY;
        this.digest = digest;
    }

    /**
     * The pin of the first team key of an installation set up before working-group keys (its X25519
     * and Ed25519 public keys): the upgrade of such an installation, or a pin found on first use.
     */
    public static TeamKeyPin of(byte[] publicKey, byte[] signingKey) {
        return new TeamKeyPin(
                BEFORE_GROUP_KEYS, sha256("haven/team-key-pin/v1", publicKey, signingKey));
    }

    /**
     * The pin of a first team key made since working-group keys (setup): granted to administrators
     * only, like every key after it.
     */
    public static TeamKeyPin administratorsOnly(byte[] publicKey, byte[] signingKey) {
        return new TeamKeyPin(
                ADMINISTRATORS_ONLY, sha256("haven/team-key-pin/v2", publicKey, signingKey));
    }

    /** The upgrade pin of a team key from before signatures: its X25519 public key alone. */
    public static TeamKeyPin legacy(byte[] publicKey) {
        return new TeamKeyPin(LEGACY, sha256("haven/team-key-pin/v0", publicKey));
    }

    /** Reads a pin as printed (any case, surrounding space ignored). */
    public static TeamKeyPin parse(String text) {
        String t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        if (!t.matches("hvpin[012]-[0-9a-f]{64}")) {
            throw new IllegalArgumentException(
                    "a team key pin is hvpin2- (or hvpin1-) followed by 64 hex digits, as Haven prints it");
        }
        return new TeamKeyPin(
                t.charAt("hvpin".length()) - '0',
                HexFormat.of().parseHex(t.substring("hvpin0-".length())));
    }

    /** Whether this is an upgrade pin (X25519 only), to be replaced by the full one. */
    public boolean isLegacy() {
        return legacy;
    }

    /**
     * Whether the pinned key was made granted to administrators only ({@code hvpin2-}): then no
     * coordinator's grant of it is genuine.
     */
    public boolean isAdministratorsOnly() {
        return version == ADMINISTRATORS_ONLY;
    }

    /** Whether {@code row} is the pinned team key (a legacy pin matches its X25519 key alone). */
    public boolean matches(KeyRecordStore.TeamKeyRow row) {
        if (row.publicKey() == null || row.publicKey().length != 32) {
            return false;
        }
        if (legacy) {
            return MessageDigest.isEqual(digest, legacy(row.publicKey()).digest);
        }
        if (row.signingKey() == null || row.signingKey().length != 32) {
            return false;
        }
        TeamKeyPin expected =
                version == ADMINISTRATORS_ONLY
                        ? administratorsOnly(row.publicKey(), row.signingKey())
                        : of(row.publicKey(), row.signingKey());
        return MessageDigest.isEqual(digest, expected.digest);
    }

    /** Where a node keeps its pin: next to the server key file. */
    public static Path file(Path dataDir) {
        return dataDir.resolve("secrets").resolve("team-key-pin");
    }

    /** The pin in {@code file}, if the file exists. */
    public static Optional<TeamKeyPin> read(Path file) throws IOException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(parse(Files.readString(file, StandardCharsets.US_ASCII)));
        } catch (IllegalArgumentException e) {
            throw new IOException(
                    "the team key pin in " + file + " is unreadable: " + e.getMessage());
        }
    }

    /** Writes the pin to {@code file} (mode 0600, replaced atomically). */
    public void write(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(
                tmp,
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, this + "\n", StandardCharsets.US_ASCII);
        try {
            Files.move(
                    tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TeamKeyPin p
                && p.version == version
                && MessageDigest.isEqual(p.digest, digest);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(digest);
    }

    @Override
    public String toString() {
        return "hvpin" + version + "-" + HexFormat.of().formatHex(digest);
    }

    private static byte[] sha256(String label, byte[]... parts) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(label.getBytes(StandardCharsets.US_ASCII));
            for (byte[] p : parts) {
                md.update(p);
            }
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}

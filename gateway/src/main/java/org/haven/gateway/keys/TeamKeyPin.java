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
 * <p>Text form {@code hvpin1-<64 hex>}: SHA-256 over ASCII {@code haven/team-key-pin/v1}, the
 * 32-byte X25519 public key and the 32-byte Ed25519 public key of the first team key. An
 * installation from before signed key records is pinned at its first start after the upgrade by
 * {@code hvpin0-<64 hex>}: SHA-256 over ASCII {@code haven/team-key-pin/v0} and the X25519 public
 * key alone (its Ed25519 key is not known until an administrator opens the key), and the next
 * administrator login replaces it by the full pin. Kept in {@code <data dir>/secrets/team-key-pin}
 * (mode 0600) or given as {@code HAVEN_TEAM_KEY_PIN} (which wins).
 */
public final class TeamKeyPin {
    private static final String FULL_PREFIX = "hvpin1-";
    private static final String LEGACY_PREFIX = "hvpin0-";

    private final boolean legacy;
    private final byte[] digest;

    private TeamKeyPin(boolean legacy, byte[] digest) {
        this.legacy = legacy;
        this.digest = digest;
    }

    /** The pin of a team key with its X25519 and Ed25519 public keys. */
    public static TeamKeyPin of(byte[] publicKey, byte[] signingKey) {
        return new TeamKeyPin(false, sha256("haven/team-key-pin/v1", publicKey, signingKey));
    }

    /** The upgrade pin of a team key from before signatures: its X25519 public key alone. */
    public static TeamKeyPin legacy(byte[] publicKey) {
        return new TeamKeyPin(true, sha256("haven/team-key-pin/v0", publicKey));
    }

    /** Reads a pin as printed (any case, surrounding space ignored). */
    public static TeamKeyPin parse(String text) {
        String t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        boolean legacy = t.startsWith(LEGACY_PREFIX);
        if (!(legacy || t.startsWith(FULL_PREFIX))
                || !t.substring(FULL_PREFIX.length()).matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException(
                    "a team key pin is hvpin1- followed by 64 hex digits, as Haven prints it");
        }
        return new TeamKeyPin(legacy, HexFormat.of().parseHex(t.substring(FULL_PREFIX.length())));
    }

    /** Whether this is an upgrade pin (X25519 only), to be replaced by the full one. */
    public boolean isLegacy() {
        return legacy;
    }

    /** Whether {@code row} is the pinned team key (a legacy pin matches its X25519 key alone). */
    public boolean matches(KeyRecordStore.TeamKeyRow row) {
        if (row.publicKey() == null || row.publicKey().length != 32) {
            return false;
        }
        if (legacy) {
            return MessageDigest.isEqual(digest, legacy(row.publicKey()).digest);
        }
        return row.signingKey() != null
                && row.signingKey().length == 32
                && MessageDigest.isEqual(digest, of(row.publicKey(), row.signingKey()).digest);
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
                && p.legacy == legacy
                && MessageDigest.isEqual(p.digest, digest);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(digest);
    }

    @Override
    public String toString() {
        return (legacy ? LEGACY_PREFIX : FULL_PREFIX) + HexFormat.of().formatHex(digest);
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

package org.haven.gateway.keys;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import org.haven.crypto.KeyedHash;
import org.haven.crypto.SecretKeyAccess;
import org.haven.crypto.ServerKeyring;

/**
 * The server's own secrets: the keyring that encrypts in-progress conversations and the secret of
 * the keyed hash that finds contact addresses again. A single node keeps them in one file under the
 * data dir (mode 0600), created on first start. Several gateways on one database must share them:
 * they are then given as {@code HAVEN_SERVER_KEYS} (the file's bytes in base64) or {@code
 * HAVEN_SERVER_KEYS_FILE} (a mounted secret file holding either the key file itself or its base64
 * text), and never created.
 *
 * <p>File format: magic {@code HVSK}, version byte 1, then a 4-byte big-endian length and the
 * keyring bytes, then a 4-byte length and the hash secret (32 bytes).
 *
 * <p>The audit key ({@link #auditKey()}) is not stored: it is derived from the hash secret, so
 * every gateway of a cluster has the same one, and rotating the keyring leaves it as it was.
 */
public final class ServerSecrets {
    private static final byte[] MAGIC = {'H', 'V', 'S', 'K'};
    private static final int MAX_FIELD = 1 << 16;

    /**
     * The HKDF info of the audit key: fixed, and part of the audit chain's format (docs/crypto.md).
     */
    public static final String AUDIT_KEY_PURPOSE = "haven/audit-key/v1";

    private final ServerKeyring keyring;
    private final KeyedHash contactHash;
    private final byte[] hashSecret;
    private final KeyedHash auditKey;

    private ServerSecrets(ServerKeyring keyring, byte[] hashSecret) {
        this.keyring = keyring;
        this.contactHash = new KeyedHash(hashSecret);
        this.hashSecret = hashSecret.clone();
        this.auditKey = contactHash.derive(AUDIT_KEY_PURPOSE);
    }

    /** The same secrets with another working keyring (a rotation's). */
    public ServerSecrets withKeyring(ServerKeyring other) {
        return new ServerSecrets(other, hashSecret);
    }

    /** Writes the secrets to {@code file} (mode 0600), replacing it in one step. */
    public void writeTo(Path file) throws IOException {
        write(file, keyring, hashSecret);
    }

    /** The secrets as {@code HAVEN_SERVER_KEYS} takes them: the key file's bytes in base64. */
    public String toBase64() throws IOException {
        return Base64.getEncoder().encodeToString(encode(keyring, hashSecret));
    }

    /**
     * Chooses where the secrets come from: the base64 value if set, else the named file (which must
     * exist), else {@code defaultFile} under the data dir, created on first start.
     */
    public static ServerSecrets resolve(
            Optional<String> base64, Optional<Path> file, Path defaultFile)
            throws IOException, GeneralSecurityException {
        if (base64.isPresent()) {
            return fromBase64(base64.get());
        }
        if (file.isPresent()) {
            if (!Files.isRegularFile(file.get())) {
                throw new GeneralSecurityException(
                        "HAVEN_SERVER_KEYS_FILE names no readable file: " + file.get());
            }
            byte[] bytes = Files.readAllBytes(file.get());
            if (bytes.length >= 4 && Arrays.equals(bytes, 0, 4, MAGIC, 0, 4)) {
                return read(bytes, file.get().toString());
            }
            // a secret store's file holding the base64 text (as haven server-keys prints it)
            return fromBase64(new String(bytes, StandardCharsets.US_ASCII));
        }
        return loadOrCreate(defaultFile);
    }

    /**
     * Reads the secrets from the base64 of a server key file (the value of {@code
     * HAVEN_SERVER_KEYS}).
     */
    public static ServerSecrets fromBase64(String base64) throws GeneralSecurityException {
        byte[] bytes;
        try {
            bytes = Base64.getMimeDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            throw new GeneralSecurityException("HAVEN_SERVER_KEYS is not base64");
        }
        try {
            return read(bytes, "HAVEN_SERVER_KEYS");
        } catch (IOException e) {
            throw new GeneralSecurityException("HAVEN_SERVER_KEYS is unreadable");
        }
    }

    /**
     * A fresh server key file's bytes, in base64: what {@code haven server-keys} prints for a
     * cluster.
     */
    public static String generateBase64() throws IOException {
        ServerKeyring keyring = ServerKeyring.generate();
        byte[] hashSecret = new byte[32];
        new SecureRandom().nextBytes(hashSecret);
        return Base64.getEncoder().encodeToString(encode(keyring, hashSecret));
    }

    /** Loads the secrets from {@code file}, creating it with fresh keys if it does not exist. */
    public static ServerSecrets loadOrCreate(Path file)
            throws IOException, GeneralSecurityException {
        if (Files.exists(file)) {
            return read(Files.readAllBytes(file), file.toString());
        }
        ServerKeyring keyring = ServerKeyring.generate();
        byte[] hashSecret = new byte[32];
        new SecureRandom().nextBytes(hashSecret);
        write(file, keyring, hashSecret);
        return new ServerSecrets(keyring, hashSecret);
    }

    private static ServerSecrets read(byte[] bytes, String file)
            throws IOException, GeneralSecurityException {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            byte[] magic = in.readNBytes(4);
            if (!Arrays.equals(magic, MAGIC) || in.readUnsignedByte() != 1) {
                throw new GeneralSecurityException("not a Haven server key file: " + file);
            }
            byte[] keyring = field(in);
            byte[] hashSecret = field(in);
            if (hashSecret.length != 32) {
                throw new GeneralSecurityException("bad hash secret length in " + file);
            }
            return new ServerSecrets(
                    ServerKeyring.fromBytes(keyring, SecretKeyAccess.INSECURE), hashSecret);
        } catch (EOFException e) {
            throw new GeneralSecurityException("truncated server key file: " + file);
        }
    }

    private static byte[] field(DataInputStream in) throws IOException, GeneralSecurityException {
        int len = in.readInt();
        if (len < 0 || len > MAX_FIELD) {
            throw new GeneralSecurityException("bad field length in server key file");
        }
        byte[] b = in.readNBytes(len);
        if (b.length != len) {
            throw new EOFException();
        }
        return b;
    }

    private static byte[] encode(ServerKeyring keyring, byte[] hashSecret) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(buf)) {
            out.write(MAGIC);
            out.writeByte(1);
            byte[] ring = keyring.toBytes(SecretKeyAccess.INSECURE);
            out.writeInt(ring.length);
            out.write(ring);
            out.writeInt(hashSecret.length);
            out.write(hashSecret);
        }
        return buf.toByteArray();
    }

    private static void write(Path file, ServerKeyring keyring, byte[] hashSecret)
            throws IOException {
        Files.createDirectories(file.getParent());
        byte[] bytes = encode(keyring, hashSecret);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(
                tmp,
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.write(tmp, bytes);
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Encrypts in-progress conversation state, bound to its conversation. */
    public ServerKeyring keyring() {
        return keyring;
    }

    /**
     * The keyed hash under which contact addresses (resume tokens, numbers, chat ids) are found
     * again.
     */
    public KeyedHash contactHash() {
        return contactHash;
    }

    /**
     * The key of the audit log's chain: HMAC-SHA256 under HKDF-SHA256(hash secret, no salt, info
     * {@value #AUDIT_KEY_PURPOSE}, 32 bytes). The database never holds it.
     */
    public KeyedHash auditKey() {
        return auditKey;
    }
}

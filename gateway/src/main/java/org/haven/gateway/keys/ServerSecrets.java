package org.haven.gateway.keys;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import org.haven.crypto.KeyedHash;
import org.haven.crypto.SecretKeyAccess;
import org.haven.crypto.ServerKeyring;

/**
 * The server's own secrets: the keyring that encrypts in-progress conversations and the
 * secret of the keyed hash that finds contact addresses again. They live in one file under the
 * data dir (mode 0600), created on first start.
 *
 * <p>File format: magic {@code HVSK}, version byte 1, then a 4-byte big-endian length and the
 * keyring bytes, then a 4-byte length and the hash secret (32 bytes).
 */
public final class ServerSecrets {
    private static final byte[] MAGIC = {'H', 'V', 'S', 'K'};
    private static final int MAX_FIELD = 1 << 16;

    private final ServerKeyring keyring;
    private final KeyedHash contactHash;

    private ServerSecrets(ServerKeyring keyring, byte[] hashSecret) {
        this.keyring = keyring;
        this.contactHash = new KeyedHash(hashSecret);
    }

    /** Loads the secrets from {@code file}, creating it with fresh keys if it does not exist. */
    public static ServerSecrets loadOrCreate(Path file) throws IOException, GeneralSecurityException {
        if (Files.exists(file)) {
            return read(Files.readAllBytes(file), file);
        }
        ServerKeyring keyring = ServerKeyring.generate();
        byte[] hashSecret = new byte[32];
        new SecureRandom().nextBytes(hashSecret);
        write(file, keyring, hashSecret);
        return new ServerSecrets(keyring, hashSecret);
    }

    private static ServerSecrets read(byte[] bytes, Path file) throws IOException, GeneralSecurityException {
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(bytes))) {
            byte[] magic = in.readNBytes(4);
            if (!java.util.Arrays.equals(magic, MAGIC) || in.readUnsignedByte() != 1) {
                throw new GeneralSecurityException("not a Haven server key file: " + file);
            }
            byte[] keyring = field(in);
            byte[] hashSecret = field(in);
            if (hashSecret.length != 32) {
                throw new GeneralSecurityException("bad hash secret length in " + file);
            }
            return new ServerSecrets(ServerKeyring.fromBytes(keyring, SecretKeyAccess.INSECURE), hashSecret);
        } catch (java.io.EOFException e) {
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
            throw new java.io.EOFException();
        }
        return b;
    }

    private static void write(Path file, ServerKeyring keyring, byte[] hashSecret) throws IOException {
        Files.createDirectories(file.getParent());
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
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.write(tmp, buf.toByteArray());
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

    /** The keyed hash under which contact addresses (resume tokens, numbers, chat ids) are found again. */
    public KeyedHash contactHash() {
        return contactHash;
    }
}

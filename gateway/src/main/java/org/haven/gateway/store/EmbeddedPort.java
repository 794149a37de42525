package org.haven.gateway.store;

import java.io.BufferedReader;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Random;

/**
 * The loopback port an embedded PostgreSQL server listens on.
 *
 * <p>Left to itself, the embedded library asks the kernel for a free port, closes it, runs initdb
 * and then starts the server on that number, seconds later. That port comes from the ephemeral
 * range, which is also where every outgoing connection of every process on the host takes its
 * source port: on a busy host one of them takes the number in the meantime, the server cannot bind
 * it and the start waits two minutes for nothing (CI saw it, with another test JVM beside). A port
 * below the ephemeral range is never handed out that way, so only a process that chooses the very
 * same number on purpose can take it.
 */
public final class EmbeddedPort {
    private static final Path RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");

    /** Linux's default ephemeral range starts here; used where the host's range is unknown. */
    private static final int DEFAULT_EPHEMERAL_LOW = 32768;

    /** Below the registered ports most services use; above them the choice is wide. */
    private static final int LOWEST = 10000;

    private static final int ATTEMPTS = 200;
    private static final Random RANDOM = new SecureRandom();

    private EmbeddedPort() {}

    /** A port below the host's ephemeral range that is free on 127.0.0.1 now. */
    public static int free() throws IOException {
        int high = ephemeralLow();
        if (high - LOWEST < 1000) {
            return kernelChosen(); // a host whose ephemeral range starts low: nothing better
        }
        for (int i = 0; i < ATTEMPTS; i++) {
            int port = LOWEST + RANDOM.nextInt(high - LOWEST);
            if (bindable(port)) {
                return port;
            }
        }
        return kernelChosen();
    }

    /** The lowest port the kernel hands out for outgoing connections and port 0. */
    static int ephemeralLow() {
        // read as a stream: procfs reports a size of 0, and Files.readString trusts it (Java 17
        // read one byte of "32768 60999")
        try (BufferedReader in = Files.newBufferedReader(RANGE)) {
            String[] range = in.readLine().trim().split("\\s+");
            return Integer.parseInt(range[0]);
        } catch (IOException | RuntimeException e) {
            return DEFAULT_EPHEMERAL_LOW;
        }
    }

    private static boolean bindable(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int kernelChosen() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}

package org.haven.gateway.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * A web chat WebSocket upgrade written by hand on a plain socket, for tests that act as a client no
 * library would be: one that never answers a ping, never reads, or offers its own extensions.
 */
public final class RawWebSocket {
    private static final SecureRandom RANDOM = new SecureRandom();

    private RawWebSocket() {}

    /**
     * Sends the upgrade request for {@code /chat/ws} and reads the response head.
     *
     * @param extraHeaders header lines to add, each ending in CRLF ("" for none)
     * @return the response head, up to and including its blank line (shorter if the server closed)
     */
    public static String handshake(Socket raw, int port, String extraHeaders) throws IOException {
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        String request =
                "GET /chat/ws HTTP/1.1\r\nHost: 127.0.0.1:"
                        + port
                        + "\r\nUpgrade: websocket\r\n"
                        + "Connection: Upgrade\r\nSec-WebSocket-Key: "
                        + Base64.getEncoder().encodeToString(nonce)
                        + "\r\n"
                        + "Sec-WebSocket-Version: 13\r\n"
                        + extraHeaders
                        + "\r\n";
        raw.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        raw.getOutputStream().flush();
        InputStream in = raw.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
        }
        return head.toString(StandardCharsets.US_ASCII);
    }
}

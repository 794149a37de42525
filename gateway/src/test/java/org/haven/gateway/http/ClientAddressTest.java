package org.haven.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.haven.gateway.config.ConfigException;
import org.haven.gateway.config.Settings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ClientAddressTest {
    private static Vertx vertx;
    private static HttpClient client;

    @BeforeAll
    static void startVertx() {
        vertx = Vertx.vertx();
        // a connection per request: nothing of one request (a pooled connection) carries into the
        // next
        client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false));
    }

    @AfterAll
    static void stopVertx() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** Verifies that without trusted proxies a client cannot choose its address by a header. */
    @Test
    void testForwardedForIsIgnoredFromAnUntrustedPeer() throws Exception {
        int port = serve(Map.of());
        assertEquals("127.0.0.1", seenAs(port, "203.0.113.7"));
        assertEquals("127.0.0.1", seenAs(port, null));
        int other = serve(Map.of("trusted_proxies", "10.0.0.0/8"));
        assertEquals(
                "127.0.0.1",
                seenAs(other, "203.0.113.7"),
                "the peer is not one of the trusted proxies");
    }

    /**
     * Verifies that behind a trusted proxy the client is the right-most address the proxies did not
     * add themselves, so that what a client writes in the header cannot make it someone else.
     */
    @Test
    void testBehindATrustedProxyTheClientIsTheAddressItSaw() throws Exception {
        int port = serve(Map.of("trusted_proxies", "127.0.0.1, 192.168.0.0/16"));
        assertEquals("203.0.113.7", seenAs(port, "203.0.113.7"));
        assertEquals(
                "203.0.113.7",
                seenAs(port, "198.51.100.1, 203.0.113.7"),
                "the client's own entry is ignored");
        assertEquals(
                "203.0.113.7",
                seenAs(port, "198.51.100.1, 203.0.113.7, 192.168.4.4"),
                "a second trusted hop");
        assertEquals("2001:db8:0:0:0:0:0:1", seenAs(port, "2001:db8::1"));
        assertEquals("127.0.0.1", seenAs(port, null), "no header: the proxy's own request");
        assertEquals(
                "192.168.4.4",
                seenAs(port, "not-an-address, 192.168.4.4"),
                "a forged entry left of trusted hops");
        assertEquals(
                "127.0.0.1",
                seenAs(port, "999.1.1.1"),
                "not an address, and never looked up as a name");
        assertNull(ClientAddress.literal("localhost"));
        assertNull(ClientAddress.literal("1.2.3"));
        int mapped = serve(Map.of("trusted_proxies", "127.0.0.0/8"));
        assertEquals("203.0.113.9", seenAs(mapped, "::ffff:127.0.0.5, 203.0.113.9"));
    }

    /** Verifies that a setting that is not an address or a range stops the start with its name. */
    @Test
    void testBadRangesAreRefusedByName() {
        for (String bad : new String[] {"10.0.0.0/33", "example.org", "10.0.0.0/x", "::1/129"}) {
            ConfigException e =
                    assertThrows(
                            ConfigException.class,
                            () -> ClientAddress.from(new Settings(Map.of("trusted_proxies", bad))),
                            bad);
            assertTrue(e.getMessage().contains("HAVEN_TRUSTED_PROXIES"), e.getMessage());
        }
    }

    private static int serve(Map<String, String> settings) throws Exception {
        Router router = Router.router(vertx);
        ClientAddress.from(new Settings(settings)).mount(router);
        router.get("/who").handler(ctx -> ctx.end(ClientAddress.of(ctx)));
        HttpServer server =
                vertx.createHttpServer()
                        .requestHandler(router)
                        .listen(0, "127.0.0.1")
                        .toCompletionStage()
                        .toCompletableFuture()
                        .get(10, TimeUnit.SECONDS);
        return server.actualPort();
    }

    /**
     * Asks the server who the client is. The request runs on a Vert.x context: chained from this
     * test thread, the response could arrive between two steps of the chain, before its body was
     * asked for, and the body would never complete (about one request in a thousand timed out).
     */
    private static String seenAs(int port, String forwardedFor) throws Exception {
        CompletableFuture<String> seen = new CompletableFuture<>();
        vertx.runOnContext(
                v ->
                        client.request(HttpMethod.GET, port, "127.0.0.1", "/who")
                                .compose(
                                        r -> {
                                            if (forwardedFor != null) {
                                                r.putHeader("X-Forwarded-For", forwardedFor);
                                            }
                                            return r.send();
                                        })
                                .compose(HttpClientResponse::body)
                                .onComplete(
                                        (body, failure) -> {
                                            if (failure != null) {
                                                seen.completeExceptionally(failure);
                                            } else {
                                                seen.complete(body.toString());
                                            }
                                        }));
        return seen.get(30, TimeUnit.SECONDS);
    }
}

package org.haven.gateway.http;

import io.netty.util.NetUtil;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import org.haven.gateway.config.ConfigException;
import org.haven.gateway.config.Settings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The address of the client behind a request, as far as it can be believed: every per-client limit
 * counts by it.
 *
 * <p>A request that comes from one of {@code HAVEN_TRUSTED_PROXIES} (comma-separated addresses or
 * CIDR ranges, e.g. {@code 10.0.0.0/8,127.0.0.1}) is attributed to the right-most address in its
 * {@code X-Forwarded-For} that is not itself a trusted proxy: the address the outermost trusted
 * proxy saw. Anything to the left of it was written by the client and is ignored. A request from
 * any other peer is attributed to the peer, whatever its headers say.
 */
public final class ClientAddress {
    private static final String KEY = "haven.client";
    private static final Pattern LITERAL = Pattern.compile("[0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    private static final Logger LOG = LoggerFactory.getLogger(ClientAddress.class);

    private final List<Range> trusted;
    private final AtomicBoolean warned = new AtomicBoolean();

    private ClientAddress(List<Range> trusted) {
        this.trusted = List.copyOf(trusted);
    }

    /**
     * @param settings the gateway's settings ({@code trusted_proxies})
     * @return the client address rule they describe
     * @throws ConfigException when an entry is not an address or a CIDR range
     */
    public static ClientAddress from(Settings settings) {
        List<Range> ranges = new ArrayList<>();
        for (String entry : settings.get("trusted_proxies").orElse("").split(",")) {
            String e = entry.strip();
            if (!e.isEmpty()) {
                ranges.add(
                        Range.parse(e)
                                .orElseThrow(
                                        () ->
                                                new ConfigException(
                                                        Settings.variable("trusted_proxies")
                                                                + ": '"
                                                                + e
                                                                + "' is not an IP address or a CIDR range like 10.0.0.0/8")));
            }
        }
        return new ClientAddress(ranges);
    }

    /** Attributes every request the router sees to its client, for {@link #of(RoutingContext)}. */
    public void mount(Router router) {
        router.route()
                .order(-1000)
                .handler(
                        ctx -> {
                            ctx.put(KEY, of(ctx.request()));
                            ctx.next();
                        });
    }

    /**
     * @param ctx a request routed after {@link #mount}
     * @return its client's address, or "?" when the connection has none (a test's in-memory
     *     request)
     */
    public static String of(RoutingContext ctx) {
        String client = ctx.get(KEY);
        if (client != null) {
            return client;
        }
        return ctx.request().remoteAddress() == null
                ? "?"
                : ctx.request().remoteAddress().hostAddress();
    }

    /**
     * @param request a request
     * @return its client's address
     */
    public String of(HttpServerRequest request) {
        if (request.remoteAddress() == null) {
            return "?";
        }
        String peer = request.remoteAddress().hostAddress();
        if (trusted.isEmpty() || !isTrusted(peer)) {
            if (request.headers().contains("X-Forwarded-For")
                    && warned.compareAndSet(false, true)) {
                // behind a proxy that is not trusted, every person is that one client for every
                // per-client limit
                LOG.warn(
                        "event=forwarded_for_ignored trusted_proxies={} hint=HAVEN_TRUSTED_PROXIES",
                        trusted.size());
            }
            return peer;
        }
        String client = peer;
        List<String> hops = new ArrayList<>();
        for (String header : request.headers().getAll("X-Forwarded-For")) {
            for (String hop : header.split(",")) {
                hops.add(hop.strip());
            }
        }
        for (int i = hops.size() - 1; i >= 0; i--) {
            byte[] hop = literal(hops.get(i));
            if (hop == null) {
                return client;
            }
            client = normal(hop);
            if (!isTrusted(hop)) {
                return client;
            }
        }
        return client;
    }

    private boolean isTrusted(String address) {
        byte[] a = literal(address);
        return a != null && isTrusted(a);
    }

    private boolean isTrusted(byte[] address) {
        return trusted.stream().anyMatch(r -> r.contains(address));
    }

    /**
     * The bytes of an IP literal ("[::1]" as "::1"), or null when it is not one. Never a name
     * lookup: a header from a trusted proxy may still carry anything its client wrote (e.g.
     * "999.1.1.1"), and a lookup would hold the event loop.
     */
    static byte[] literal(String text) {
        String t =
                text.startsWith("[") && text.endsWith("]")
                        ? text.substring(1, text.length() - 1)
                        : text;
        int zone = t.indexOf('%');
        if (zone >= 0) {
            t = t.substring(0, zone);
        }
        if (t.isEmpty() || t.length() > 45 || !LITERAL.matcher(t).matches()) {
            return null;
        }
        return NetUtil.createByteArrayFromIpAddressString(t);
    }

    private static String normal(byte[] address) {
        try {
            return InetAddress.getByAddress(address).getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An address range: the first {@code bits} bits of {@code base}. */
    private record Range(byte[] base, int bits) {
        static Optional<Range> parse(String text) {
            int slash = text.indexOf('/');
            byte[] base = literal(slash < 0 ? text : text.substring(0, slash));
            if (base == null) {
                return Optional.empty();
            }
            int bits = base.length * 8;
            if (slash >= 0) {
                try {
                    bits = Integer.parseInt(text.substring(slash + 1));
                } catch (NumberFormatException e) {
                    return Optional.empty();
                }
                if (bits < 0 || bits > base.length * 8) {
                    return Optional.empty();
                }
            }
            return Optional.of(new Range(base, bits));
        }

        boolean contains(byte[] address) {
            byte[] a = address;
            if (a.length != base.length) {
                // an IPv4 address written as IPv4-mapped IPv6 (::ffff:10.0.0.1) matches an IPv4
                // range
                a = mapped(a, base.length);
                if (a == null) {
                    return false;
                }
            }
            int full = bits / 8;
            for (int i = 0; i < full; i++) {
                if (a[i] != base[i]) {
                    return false;
                }
            }
            int rest = bits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (a[full] & mask) == (base[full] & mask);
        }

        private static byte[] mapped(byte[] a, int length) {
            if (a.length == 16 && length == 4) {
                for (int i = 0; i < 10; i++) {
                    if (a[i] != 0) {
                        return null;
                    }
                }
                if (a[10] != (byte) 0xff || a[11] != (byte) 0xff) {
                    return null;
                }
                return Arrays.copyOfRange(a, 12, 16);
            }
            return null;
        }
    }
}

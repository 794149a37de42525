package org.haven.gateway.auth;

import com.eatthepath.otp.TimeBasedOneTimePasswordGenerator;
import io.nayuki.qrcodegen.QrCode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;
import javax.crypto.spec.SecretKeySpec;

/**
 * Time-based one-time passwords (RFC 6238: SHA-1, 6 digits, 30 s steps), as every authenticator app
 * speaks them, and the QR code that enrols one.
 */
public final class Totp {
    private static final Duration STEP = Duration.ofSeconds(30);
    private static final char[] BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();

    private final TimeBasedOneTimePasswordGenerator generator =
            new TimeBasedOneTimePasswordGenerator(STEP, 6);

    /** A fresh 160-bit secret. */
    public static byte[] newSecret() {
        byte[] secret = new byte[20];
        new SecureRandom().nextBytes(secret);
        return secret;
    }

    /** The code for a moment (tests and enrolment checks). */
    public String code(byte[] secret, Instant at) {
        try {
            return String.format(
                    "%06d",
                    generator.generateOneTimePassword(new SecretKeySpec(secret, "HmacSHA1"), at));
        } catch (InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Checks a code against the current step and one either side (clock drift). Returns the matched
     * step, which must be later than {@code lastUsedStep} so a code works only once.
     */
    public OptionalLong verify(byte[] secret, String code, Instant now, long lastUsedStep) {
        if (code == null) {
            return OptionalLong.empty();
        }
        String digits = code.replaceAll("\\s", "");
        if (!digits.matches("\\d{6}")) {
            return OptionalLong.empty();
        }
        long step = now.getEpochSecond() / STEP.getSeconds();
        for (long s = step - 1; s <= step + 1; s++) {
            String expected = code(secret, Instant.ofEpochSecond(s * STEP.getSeconds()));
            if (MessageDigest.isEqual(
                            expected.getBytes(StandardCharsets.US_ASCII),
                            digits.getBytes(StandardCharsets.US_ASCII))
                    && s > lastUsedStep) {
                return OptionalLong.of(s);
            }
        }
        return OptionalLong.empty();
    }

    /** The secret as authenticator apps take it typed in. */
    public static String base32(byte[] data) {
        StringBuilder sb = new StringBuilder();
        int buffer = 0;
        int bits = 0;
        for (byte b : data) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                sb.append(BASE32[(buffer >> (bits - 5)) & 31]);
                bits -= 5;
            }
        }
        if (bits > 0) {
            sb.append(BASE32[(buffer << (5 - bits)) & 31]);
        }
        return sb.toString();
    }

    /** The otpauth URI an authenticator app scans. */
    public static String uri(String issuer, String account, byte[] secret) {
        String label =
                URLEncoder.encode(issuer + ":" + account, StandardCharsets.UTF_8)
                        .replace("+", "%20");
        return "otpauth://totp/"
                + label
                + "?secret="
                + base32(secret)
                + "&issuer="
                + URLEncoder.encode(issuer, StandardCharsets.UTF_8).replace("+", "%20")
                + "&algorithm=SHA1&digits=6&period=30";
    }

    /** A QR code of {@code text} as an inline SVG element (no script, no external request). */
    public static String qrSvg(String text, String title) {
        QrCode qr = QrCode.encodeText(text, QrCode.Ecc.MEDIUM);
        int border = 4;
        int size = qr.size + border * 2;
        StringBuilder path = new StringBuilder();
        for (int y = 0; y < qr.size; y++) {
            for (int x = 0; x < qr.size; x++) {
                if (qr.getModule(x, y)) {
                    path.append('M')
                            .append(x + border)
                            .append(',')
                            .append(y + border)
                            .append("h1v1h-1z");
                }
            }
        }
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\""
                + title
                + "\" viewBox=\"0 0 "
                + size
                + " "
                + size
                + "\" width=\"220\" height=\"220\" shape-rendering=\"crispEdges\"><rect width=\"100%\" height=\"100%\""
                + " fill=\"#fff\"/><path d=\""
                + path
                + "\" fill=\"#000\"/></svg>";
    }
}

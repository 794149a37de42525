package org.haven.gateway.channel.sms;

import com.twilio.security.RequestValidator;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.haven.bot.Reply;
import org.haven.gateway.channel.Channel;
import org.haven.gateway.channel.ChannelContext;
import org.haven.gateway.http.RawBody;
import org.haven.gateway.intake.Conversations;
import org.haven.gateway.intake.Inbound;
import org.haven.gateway.logging.RepeatedLog;
import org.haven.gateway.outbox.ChannelSender;
import org.haven.gateway.outbox.Outbox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SMS through Twilio. Incoming messages arrive at {@value #SMS_PATH} and delivery reports at
 * {@value #STATUS_PATH}, both form posts signed with the account's auth token over the public URL
 * and the parameters. A message is stored (dialogue step and replies queued in the outbox, one
 * transaction, de-duplicated on its MessageSid) before Twilio gets its empty TwiML answer; replies
 * go out through the outbox and {@link SmsSender}. Media are never fetched. When Twilio's opt-out
 * handling names the message's keyword ({@code OptOutType}), that keyword is what the dialogue
 * gets.
 *
 * <p>One exception: when the person erases their conversation (DELETE), nothing is left to queue
 * the confirmation to, so it goes back as a {@code <Message>} in the TwiML answer to that webhook,
 * after the commit. Twilio sends it from the number the person wrote to; Haven makes no second call
 * and keeps the number nowhere, not even in memory for a retry.
 */
public final class SmsChannel implements Channel {
    private static final Logger LOG = LoggerFactory.getLogger(SmsChannel.class);

    /**
     * Refused webhooks (bad signatures, sent in a loop by anyone who finds the URL): once a minute,
     * with a count.
     */
    private final RepeatedLog rejected = new RepeatedLog(LOG);

    /** Where Twilio posts incoming messages. */
    public static final String SMS_PATH = "/webhooks/twilio/sms";

    /** Where Twilio posts delivery reports. */
    public static final String STATUS_PATH = "/webhooks/twilio/status";

    /** Largest webhook body accepted; a real one is a few kilobytes at most. */
    public static final int MAX_BODY = 32 * 1024;

    private static final String EMPTY_TWIML =
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response></Response>";
    private static final Pattern MESSAGE_SID = Pattern.compile("(SM|MM)[0-9a-fA-F]{32}");
    private static final Pattern ADDRESS = Pattern.compile("\\+?[0-9]{3,15}");
    private static final Set<String> OPT_OUT_TYPES = Set.of("STOP", "START", "HELP");
    private static final Set<String> STATUSES =
            Set.of(
                    "accepted",
                    "scheduled",
                    "queued",
                    "sending",
                    "sent",
                    "delivered",
                    "undelivered",
                    "failed",
                    "read",
                    "receiving",
                    "received",
                    "canceled",
                    "partially_delivered");
    private static final Map<String, String> MEDIA_NOTE =
            Map.of(
                    "en",
                            "Sorry, we cannot open pictures or files here. Please describe it in words.",
                    "fr",
                            "Désolé, nous ne pouvons pas ouvrir les images ou fichiers ici. Merci de le décrire avec des mots.",
                    "es",
                            "Lo sentimos, no podemos abrir imágenes ni archivos aquí. Por favor, descríbalo con palabras.",
                    "ar", "عذرًا، لا يمكننا فتح الصور أو الملفات هنا. يرجى وصف ذلك بالكلمات.",
                    "fa",
                            "متأسفیم، اینجا نمی‌توانیم عکس یا فایل را باز کنیم. لطفاً آن را با کلمات توضیح دهید.");

    private final SmsConfig config;
    private final Conversations conversations;
    private final Outbox outbox;
    private final RequestValidator validator;
    private final SmsSender sender;

    SmsChannel(ChannelContext ctx, SmsConfig config) {
        this.config = config;
        this.conversations = ctx.conversations();
        this.outbox = ctx.outbox();
        this.validator = new RequestValidator(config.authToken());
        this.sender = new SmsSender(ctx.vertx(), config);
    }

    /**
     * The SMS channel if Twilio is configured; empty (said once in the log) if not.
     *
     * @throws org.haven.gateway.config.ConfigException if it is configured wrongly
     */
    public static Optional<Channel> create(ChannelContext ctx) {
        Optional<SmsConfig> config =
                SmsConfig.parse(ctx.config().settings(), ctx.config().publicUrl());
        if (config.isEmpty()) {
            LOG.info(
                    "event=channel_disabled channel=sms reason=not_configured hint=set_HAVEN_TWILIO_ACCOUNT_SID");
            return Optional.empty();
        }
        return Optional.of(new SmsChannel(ctx, config.get()));
    }

    @Override
    public String name() {
        return "sms";
    }

    @Override
    public Optional<ChannelSender> sender() {
        return Optional.of(sender);
    }

    @Override
    public Set<String> secretSettings() {
        return SmsConfig.SECRETS;
    }

    @Override
    public void mount(Router router) {
        // the limit answers 413 from Content-Length (or while reading) before anything is parsed;
        // the form is parsed once, by parseForm (byte for byte as Twilio signed it)
        RawBody limit = RawBody.upTo(MAX_BODY);
        router.post(SMS_PATH).handler(limit).handler(this::onMessage);
        router.post(STATUS_PATH).handler(limit).handler(this::onStatus);
    }

    private void onMessage(RoutingContext ctx) {
        Map<String, String> p = verified(ctx, "sms");
        if (p == null) {
            return;
        }
        String sid = p.get("MessageSid");
        String from = p.get("From");
        if (sid == null
                || !MESSAGE_SID.matcher(sid).matches()
                || from == null
                || !ADDRESS.matcher(from).matches()) {
            reject(ctx, 400, "sms", "missing_parameters");
            return;
        }
        String body = optOutKeyword(p.get("OptOutType")).orElse(p.getOrDefault("Body", "").strip());
        int media = parseMedia(p.get("NumMedia"));
        if (media < 0) {
            reject(ctx, 400, "sms", "bad_num_media");
            return;
        }
        Inbound in = new Inbound(name(), from, body, Optional.of(sid), true);
        conversations
                .receive(in, language -> media > 0 ? List.of(mediaNote(language)) : List.of())
                .onComplete(
                        ar -> {
                            if (ar.failed()) {
                                LOG.warn(
                                        "event=sms_inbound_failed kind={}",
                                        ar.cause().getClass().getSimpleName());
                                ctx.response().setStatusCode(500).end();
                                return;
                            }
                            Conversations.Outcome outcome = ar.result();
                            LOG.info(
                                    "event=sms_inbound conversation={} duplicate={} media={}",
                                    outcome.conversationId(),
                                    outcome.duplicate(),
                                    media);
                            String twiml = EMPTY_TWIML;
                            if (outcome.erased() && !outcome.replies().isEmpty()) {
                                // The conversation and its outbox are gone, and with them the
                                // encrypted number:
                                // the confirmation goes back in the answer to this webhook, which
                                // Twilio sends.
                                twiml = twiml(outcome.replies());
                                LOG.info(
                                        "event=sms_erase_confirmed conversation={} via=twiml",
                                        outcome.conversationId());
                            }
                            ctx.response()
                                    .putHeader("Content-Type", "text/xml; charset=utf-8")
                                    .end(twiml);
                        });
    }

    /**
     * The keyword Twilio recognised in the message, when its opt-out handling is on: its {@code
     * OptOutType} parameter (STOP, START, HELP) names it whatever the words, in whatever language
     * the account's opt-out keywords are set up. Haven acts on it as on its own keyword.
     */
    static Optional<String> optOutKeyword(String optOutType) {
        if (optOutType == null) {
            return Optional.empty();
        }
        String t = optOutType.strip().toUpperCase(Locale.ROOT);
        return OPT_OUT_TYPES.contains(t) ? Optional.of(t) : Optional.empty();
    }

    /**
     * A TwiML answer that sends the replies to the person who wrote: one {@code <Message>} per SMS
     * body.
     */
    static String twiml(List<Reply> replies) {
        StringBuilder out =
                new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response>");
        for (Reply reply : replies) {
            for (String body : SmsSender.bodies(reply)) {
                out.append("<Message>").append(xmlText(body)).append("</Message>");
            }
        }
        return out.append("</Response>").toString();
    }

    /** Escapes XML's markup characters and drops the characters XML 1.0 cannot carry at all. */
    static String xmlText(String text) {
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints()
                .forEach(
                        c -> {
                            switch (c) {
                                case '&' -> out.append("&amp;");
                                case '<' -> out.append("&lt;");
                                case '>' -> out.append("&gt;");
                                case '"' -> out.append("&quot;");
                                case '\'' -> out.append("&apos;");
                                default -> {
                                    boolean allowed =
                                            c == 0x9
                                                    || c == 0xA
                                                    || c == 0xD
                                                    || (c >= 0x20 && c <= 0xD7FF)
                                                    || (c >= 0xE000 && c <= 0xFFFD)
                                                    || c >= 0x10000;
                                    if (allowed) {
                                        out.appendCodePoint(c);
                                    }
                                }
                            }
                        });
        return out.toString();
    }

    private void onStatus(RoutingContext ctx) {
        Map<String, String> p = verified(ctx, "status");
        if (p == null) {
            return;
        }
        String sid = p.get("MessageSid");
        String status = p.get("MessageStatus");
        if (sid == null
                || !MESSAGE_SID.matcher(sid).matches()
                || status == null
                || !STATUSES.contains(status)) {
            reject(ctx, 400, "status", "missing_parameters");
            return;
        }
        outbox.recordDeliveryStatus(name(), sid, status)
                .onComplete(
                        ar -> {
                            if (ar.failed()) {
                                LOG.warn(
                                        "event=sms_status_failed kind={}",
                                        ar.cause().getClass().getSimpleName());
                                ctx.response().setStatusCode(500).end();
                                return;
                            }
                            LOG.info(
                                    "event=sms_delivery_status status={} known={} error_code={}",
                                    status,
                                    ar.result(),
                                    p.getOrDefault("ErrorCode", "-").replaceAll("[^0-9]", ""));
                            ctx.response().setStatusCode(204).end();
                        });
    }

    /**
     * The form parameters of a request whose signature is valid, or null once it was answered (403
     * unsigned or wrongly signed or from another account, 400 not a UTF-8 form).
     */
    private Map<String, String> verified(RoutingContext ctx, String hook) {
        String signature = ctx.request().getHeader("X-Twilio-Signature");
        if (signature == null || signature.isBlank()) {
            reject(ctx, 403, hook, "missing_signature");
            return null;
        }
        Map<String, String> params = parseForm(RawBody.of(ctx));
        if (params == null) {
            reject(ctx, 400, hook, "bad_encoding");
            return null;
        }
        // Twilio signs the URL it was given: the public base plus the path (and any query) it
        // posted to
        String url = config.publicUrl() + ctx.request().uri();
        if (!validator.validate(url, params, signature)) {
            reject(ctx, 403, hook, "bad_signature");
            return null;
        }
        if (!config.accountSid().equals(params.get("AccountSid"))) {
            reject(ctx, 403, hook, "other_account");
            return null;
        }
        return params;
    }

    private void reject(RoutingContext ctx, int status, String hook, String reason) {
        rejected.info("sms_webhook_rejected", "hook={} status={} reason={}", hook, status, reason);
        ctx.response().setStatusCode(status).end();
    }

    /**
     * Strict application/x-www-form-urlencoded parsing: null on bad percent-escapes or bytes that
     * are not UTF-8.
     */
    static Map<String, String> parseForm(Buffer body) {
        Map<String, String> out = new LinkedHashMap<>();
        if (body == null || body.length() == 0) {
            return out;
        }
        byte[] raw = body.getBytes();
        int start = 0;
        for (int i = 0; i <= raw.length; i++) {
            if (i == raw.length || raw[i] == '&') {
                if (i > start) {
                    int eq = start;
                    while (eq < i && raw[eq] != '=') {
                        eq++;
                    }
                    String name = decode(raw, start, eq);
                    String value = eq < i ? decode(raw, eq + 1, i) : "";
                    if (name == null || value == null) {
                        return null;
                    }
                    out.putIfAbsent(name, value);
                }
                start = i + 1;
            }
        }
        return out;
    }

    private static String decode(byte[] raw, int from, int to) {
        ByteBuffer bytes = ByteBuffer.allocate(to - from);
        for (int i = from; i < to; i++) {
            byte b = raw[i];
            if (b == '+') {
                bytes.put((byte) ' ');
            } else if (b == '%') {
                if (i + 2 >= to) {
                    return null;
                }
                int hi = Character.digit(raw[i + 1], 16);
                int lo = Character.digit(raw[i + 2], 16);
                if (hi < 0 || lo < 0) {
                    return null;
                }
                bytes.put((byte) (hi * 16 + lo));
                i += 2;
            } else {
                bytes.put(b);
            }
        }
        bytes.flip();
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes)
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static int parseMedia(String raw) {
        if (raw == null || raw.isEmpty()) {
            return 0;
        }
        try {
            int n = Integer.parseInt(raw);
            return n >= 0 && n <= 10 ? n : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static Reply mediaNote(String language) {
        String lang = MEDIA_NOTE.containsKey(language) ? language : "en";
        return new Reply(
                MEDIA_NOTE.get(lang), List.of(), lang, "ar".equals(lang) || "fa".equals(lang));
    }
}

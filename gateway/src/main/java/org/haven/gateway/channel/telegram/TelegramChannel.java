package org.haven.gateway.channel.telegram;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.haven.bot.Reply;
import org.haven.bot.engine.ReferralCode;
import org.haven.bot.render.Rendered;
import org.haven.gateway.channel.Channel;
import org.haven.gateway.channel.ChannelContext;
import org.haven.gateway.config.ConfigException;
import org.haven.gateway.intake.ActiveScript;
import org.haven.gateway.intake.Conversations;
import org.haven.gateway.intake.Inbound;
import org.haven.gateway.logging.RepeatedLog;
import org.haven.gateway.outbox.ChannelSender;
import org.haven.gateway.outbox.Outbox;
import org.haven.gateway.store.Database;
import org.haven.gateway.store.Db;
import org.haven.gateway.store.ExclusiveRole;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telegram.telegrambots.meta.api.objects.CallbackQuery;
import org.telegram.telegrambots.meta.api.objects.Update;
import org.telegram.telegrambots.meta.api.objects.User;
import org.telegram.telegrambots.meta.api.objects.chat.Chat;
import org.telegram.telegrambots.meta.api.objects.chatmember.ChatMemberUpdated;
import org.telegram.telegrambots.meta.api.objects.message.MaybeInaccessibleMessage;
import org.telegram.telegrambots.meta.api.objects.message.Message;
import org.telegram.telegrambots.meta.exceptions.TelegramApiRequestException;

/**
 * Telegram: a private bot. Updates arrive on {@code POST /webhooks/telegram} (verified by the
 * secret token Haven registered with setWebhook) or by long polling; both go through {@link
 * #handle(Update)}. Text, commands and inline-keyboard answers go to the dialogue, deduped on
 * update_id, with replies queued in the outbox in the same transaction; other messages get a polite
 * reply and are not stored; group chats are declined and left. The chat id is the contact address:
 * the dialogue keeps it only as a keyed hash and encrypted.
 */
public final class TelegramChannel implements Channel {
    private static final Logger LOG = LoggerFactory.getLogger(TelegramChannel.class);

    /**
     * Refused webhooks (a wrong secret, sent in a loop by anyone who finds the URL): once a minute,
     * with a count.
     */
    private final RepeatedLog rejected = new RepeatedLog(LOG);

    /** The channel's name. */
    public static final String NAME = "telegram";

    /** Where Telegram posts updates. */
    public static final String WEBHOOK_PATH = "/webhooks/telegram";

    static final String SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token";
    private static final int MAX_BODY = 64 * 1024;
    private static final int MAX_TEXT = 4096;
    private static final Duration REFERRAL_TTL = Duration.ofHours(1);
    private static final Set<String> KEYWORD_COMMANDS =
            Set.of("help", "stop", "delete", "restart", "human", "language", "skip", "pause");

    /** Message keys of the intake script for what this channel says outside the dialogue. */
    static final String NOT_TEXT = "not_text";

    static final String EDITED = "edited_message";
    static final String STALE_BUTTON = "stale_button";
    static final String GROUPS_DECLINED = "private_only";

    private final Vertx vertx;
    private final Conversations conversations;
    private final ActiveScript script;
    private final TelegramConfig config;
    private final TelegramApi api;
    private final TelegramSender sender;
    private final byte[] secret;
    private final ObjectMapper mapper =
            new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /**
     * Telegram message ids to delete, collected inside an erase step, deleted once it committed.
     */
    private final Map<UUID, SentMessages> toDelete = new ConcurrentHashMap<>();

    /**
     * The person's own message ids per conversation, in memory only and for 48 hours (as long as
     * Telegram lets a bot delete a message in a private chat), so that DELETE and the duress word
     * delete them too. After a restart, or on another gateway, only Haven's messages are deleted.
     */
    private final Map<UUID, PersonMessages> personMessages = new ConcurrentHashMap<>();

    /**
     * Referral codes from /start deep links, in memory only, until the person says they are an
     * agency.
     */
    private final Map<UUID, PendingReferral> referrals = new ConcurrentHashMap<>();

    /** How often a gateway that does not poll tries to take the polling over (the poller died). */
    static final Duration POLLING_RETRY = Duration.ofSeconds(2);

    private final Database database;
    private ExclusiveRole pollingRole;

    /** The running poll loop's flag: cleared to stop it (a new loop gets a new flag). */
    private AtomicBoolean polling;

    private Thread poller;
    private long webhookRetry = -1;

    private record PendingReferral(String code, Instant expires) {}

    /**
     * Message ids the person sent in one conversation, most recent last, with when the last one
     * came.
     */
    private record PersonMessages(List<Integer> ids, Instant last) {
        static final int MAX = 500;
        static final Duration KEPT = Duration.ofHours(48);

        PersonMessages with(int id) {
            List<Integer> more =
                    new ArrayList<>(
                            ids.size() >= MAX
                                    ? ids.subList(ids.size() - MAX + 1, ids.size())
                                    : ids);
            more.add(id);
            return new PersonMessages(List.copyOf(more), Instant.now());
        }

        boolean current() {
            return last.isAfter(Instant.now().minus(KEPT));
        }
    }

    // Collected inside a transaction; if that rolled back, the entry is stale: honoured only
    // briefly.
    private record SentMessages(List<Integer> ids, Instant collected) {
        boolean fresh() {
            return collected.isAfter(Instant.now().minusSeconds(30));
        }
    }

    TelegramChannel(ChannelContext context, TelegramConfig config) {
        this.vertx = context.vertx();
        this.database = context.database();
        this.conversations = context.conversations();
        this.script = conversations.activeScript();
        this.config = config;
        this.api = new TelegramApi(vertx, config);
        this.sender = new TelegramSender(api);
        this.secret =
                config.secretToken().map(s -> s.getBytes(StandardCharsets.UTF_8)).orElse(null);
        conversations.addEraseListener(this::collectSentMessages);
    }

    /**
     * Builds the channel when a bot token is configured; says once in the log that Telegram is off
     * otherwise.
     *
     * @throws org.haven.gateway.config.ConfigException when a Telegram setting is invalid
     */
    public static Optional<Channel> create(ChannelContext context) {
        Optional<TelegramConfig> config = TelegramConfig.from(context.config());
        if (config.isEmpty()) {
            LOG.info(
                    "event=channel_disabled channel={} reason=HAVEN_TELEGRAM_BOT_TOKEN_not_set",
                    NAME);
            return Optional.empty();
        }
        LOG.info(
                "event=channel_configured channel={} mode={}",
                NAME,
                config.get().mode().name().toLowerCase(Locale.ROOT));
        return Optional.of(new TelegramChannel(context, config.get()));
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Optional<ChannelSender> sender() {
        return Optional.of(sender);
    }

    @Override
    public Set<String> secretSettings() {
        return TelegramConfig.SECRETS;
    }

    @Override
    public void mount(Router router) {
        if (config.mode() != TelegramConfig.Mode.WEBHOOK) {
            return;
        }
        // The secret is checked before the body is read or parsed.
        router.post(WEBHOOK_PATH).handler(this::onWebhook);
    }

    @Override
    public Future<Void> start() {
        if (config.mode() == TelegramConfig.Mode.POLLING) {
            if (database == null) {
                startPolling(); // built without a database (tests of the channel alone): nobody to
                // share with
                return Future.succeededFuture();
            }
            // one poller per bot in a cluster: two would take each other's updates (and Telegram
            // answers 409)
            pollingRole =
                    ExclusiveRole.follow(
                            vertx,
                            database,
                            "telegram.polling",
                            POLLING_RETRY,
                            new ExclusiveRole.Holder() {
                                @Override
                                public void acquired() {
                                    LOG.info("event=telegram_polling_acquired");
                                    startPolling();
                                }

                                @Override
                                public void released() {
                                    LOG.info("event=telegram_polling_released");
                                    stopPolling();
                                }
                            });
            return Future.succeededFuture();
        }
        return registerWebhook()
                .recover(
                        err -> {
                            if (err instanceof TelegramApiRequestException e
                                    && e.getErrorCode() != null
                                    && (e.getErrorCode() == 401 || e.getErrorCode() == 404)) {
                                return Future.failedFuture(
                                        new ConfigException(
                                                "HAVEN_TELEGRAM_BOT_TOKEN was refused by the Bot API ("
                                                        + e.getErrorCode()
                                                        + ")"));
                            }
                            // Telegram unreachable for now: keep serving, try again in the
                            // background.
                            LOG.warn(
                                    "event=telegram_webhook_failed kind={} retry_seconds=30",
                                    err.getClass().getSimpleName());
                            webhookRetry =
                                    vertx.setPeriodic(
                                            30_000,
                                            id ->
                                                    registerWebhook()
                                                            .onSuccess(v -> vertx.cancelTimer(id)));
                            return Future.succeededFuture();
                        });
    }

    private Future<Void> registerWebhook() {
        return api.setWebhook(config.webhookUrl().orElseThrow(), config.secretToken().orElseThrow())
                .onSuccess(v -> LOG.info("event=telegram_webhook_registered"));
    }

    private synchronized void startPolling() {
        stopPolling();
        AtomicBoolean running = new AtomicBoolean(true);
        polling = running;
        poller = new Thread(() -> pollLoop(running), "haven-telegram-poll");
        poller.setDaemon(true);
        poller.start();
    }

    private synchronized void stopPolling() {
        if (polling != null) {
            polling.set(false);
            poller.interrupt();
            polling = null;
            poller = null;
        }
    }

    @Override
    public Future<Void> stop() {
        if (pollingRole != null) {
            pollingRole
                    .close(); // stops the poll loop, and lets another gateway take it over at once
        }
        stopPolling();
        if (webhookRetry >= 0) {
            vertx.cancelTimer(webhookRetry);
        }
        api.close();
        return Future.succeededFuture();
    }

    // --- webhook ---------------------------------------------------------------------------

    private boolean verified(RoutingContext ctx) {
        String given = ctx.request().getHeader(SECRET_HEADER);
        if (given == null) {
            rejected.info("telegram_webhook_rejected", "status=401");
            ctx.response().setStatusCode(401).end();
            return false;
        }
        if (!MessageDigest.isEqual(secret, given.getBytes(StandardCharsets.UTF_8))) {
            rejected.info("telegram_webhook_rejected", "status=403");
            ctx.response().setStatusCode(403).end();
            return false;
        }
        return true;
    }

    private void onWebhook(RoutingContext ctx) {
        // The secret is checked before the body is read or parsed.
        if (!verified(ctx)) {
            return;
        }
        long length;
        try {
            length = Long.parseLong(ctx.request().getHeader("Content-Length"));
        } catch (NumberFormatException | NullPointerException e) {
            length = -1;
        }
        if (length < 0 || length > MAX_BODY) {
            // Telegram always sends a length; an unbounded or huge body is not an update.
            ctx.response().setStatusCode(length < 0 ? 411 : 413).end();
            return;
        }
        ctx.request()
                .body()
                .onComplete(
                        ar -> {
                            if (ar.failed()) {
                                ctx.response().setStatusCode(400).end();
                            } else {
                                onUpdate(ctx, ar.result().getBytes());
                            }
                        });
    }

    private void onUpdate(RoutingContext ctx, byte[] body) {
        Update update;
        try {
            update = mapper.readValue(body, Update.class);
        } catch (Exception e) {
            LOG.info("event=telegram_update_unreadable");
            ctx.response().setStatusCode(400).end();
            return;
        }
        if (update.getUpdateId() == null) {
            ctx.response().setStatusCode(400).end();
            return;
        }
        handle(update)
                .onComplete(
                        ar -> {
                            if (ar.failed()) {
                                // Not stored: Telegram retries, and update_id dedupes the retry.
                                LOG.warn(
                                        "event=telegram_update_failed kind={}",
                                        ar.cause().getClass().getSimpleName());
                                ctx.response().setStatusCode(500).end();
                            } else {
                                ctx.response().setStatusCode(200).end();
                            }
                        });
    }

    // --- long polling ----------------------------------------------------------------------

    private void pollLoop(AtomicBoolean polling) {
        int offset = 0;
        long backoffMs = 1000;
        try {
            api.deleteWebhookNow();
        } catch (Exception e) {
            LOG.warn("event=telegram_delete_webhook_failed kind={}", e.getClass().getSimpleName());
        }
        while (polling.get()) {
            try {
                for (Update update : api.getUpdatesNow(offset)) {
                    if (!polling.get()) {
                        return; // the role moved to another gateway: it reads this update again
                    }
                    // The offset moves past an update only once it is stored: a crash re-reads it,
                    // and update_id dedupes.
                    handle(update)
                            .toCompletionStage()
                            .toCompletableFuture()
                            .get(60, TimeUnit.SECONDS);
                    offset = update.getUpdateId() + 1;
                }
                backoffMs = 1000;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                if (!polling.get()) {
                    return;
                }
                LOG.warn(
                        "event=telegram_poll_failed kind={} retry_ms={}",
                        e.getClass().getSimpleName(),
                        backoffMs);
                try {
                    Thread.sleep(backoffMs);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
                backoffMs = Math.min(backoffMs * 2, 60_000);
            }
        }
    }

    // --- the processing path shared by webhook and polling ----------------------------------

    /** Handles one update; the future succeeds once whatever is to be stored is stored. */
    Future<Void> handle(Update update) {
        String updateId = String.valueOf(update.getUpdateId());
        if (update.hasMessage()) {
            return onMessage(update.getMessage(), updateId);
        }
        if (update.hasCallbackQuery()) {
            return onCallback(update.getCallbackQuery(), updateId);
        }
        if (update.hasEditedMessage()) {
            Message m = update.getEditedMessage();
            if (isPrivate(m.getChat())) {
                LOG.info("event=telegram_update kind=edited_message action=polite_reply");
                politely(m.getChatId(), say(EDITED, m.getFrom()));
            }
            return Future.succeededFuture();
        }
        if (update.hasMyChatMember()) {
            return onMembership(update.getMyChatMember());
        }
        LOG.info("event=telegram_update kind=other action=ignored");
        return Future.succeededFuture();
    }

    private Future<Void> onMessage(Message m, String updateId) {
        if (!isPrivate(m.getChat())) {
            LOG.info("event=telegram_update kind=group_message action=declined");
            return decline(m.getChatId(), say(GROUPS_DECLINED, m.getFrom()));
        }
        if (!m.hasText() || m.getText().isBlank()) {
            LOG.info("event=telegram_update kind=non_text action=polite_reply");
            politely(m.getChatId(), say(NOT_TEXT, m.getFrom()));
            return Future.succeededFuture();
        }
        String text = m.getText();
        String input = text.length() > MAX_TEXT ? text.substring(0, MAX_TEXT) : text;
        String referral = null;
        m.getEntities(); // isCommand() looks at the entities only once they were read
        if (m.isCommand() && text.startsWith("/")) {
            String[] parts = text.substring(1).split("\\s+", 2);
            String command = parts[0].replaceFirst("@.*$", "").toLowerCase(Locale.ROOT);
            String argument = parts.length > 1 ? parts[1].strip() : "";
            if (command.equals("start")) {
                input = "START";
                // A deep link t.me/<bot>?start=<code>: the dialogue asks agency workers for their
                // code; keep it until then.
                referral = ReferralCode.normalise(argument);
            } else if (KEYWORD_COMMANDS.contains(command)) {
                input = command.toUpperCase(Locale.ROOT);
            }
        }
        LOG.info("event=telegram_update kind=message");
        return toDialogue(m.getChatId(), input, updateId, referral, m.getMessageId());
    }

    private Future<Void> onCallback(CallbackQuery q, String updateId) {
        MaybeInaccessibleMessage m = q.getMessage();
        if (m == null || q.getData() == null || !isPrivate(m.getChat())) {
            LOG.info("event=telegram_update kind=callback_query action=ignored");
            return api.answerCallback(q.getId()).recover(err -> Future.succeededFuture());
        }
        if (m.getMessageId() != null && api.isStaleKeyboard(m.getChatId(), m.getMessageId())) {
            // An older question's button: it would answer the question asked now.
            LOG.info("event=telegram_update kind=callback_query action=stale_button");
            api.answerCallback(q.getId(), say(STALE_BUTTON, q.getFrom()))
                    .onFailure(
                            err ->
                                    LOG.info(
                                            "event=telegram_answer_callback_failed kind={}",
                                            err.getClass().getSimpleName()));
            api.clearKeyboard(m.getChatId(), m.getMessageId())
                    .onFailure(
                            err ->
                                    LOG.info(
                                            "event=telegram_clear_keyboard_failed kind={}",
                                            err.getClass().getSimpleName()));
            return Future.succeededFuture();
        }
        LOG.info("event=telegram_update kind=callback_query");
        return toDialogue(m.getChatId(), q.getData(), updateId, null, null)
                .onSuccess(
                        v -> {
                            api.answerCallback(q.getId())
                                    .onFailure(
                                            err ->
                                                    LOG.info(
                                                            "event=telegram_answer_callback_failed kind={}",
                                                            err.getClass().getSimpleName()));
                            // A second tap on the same question's buttons would answer whatever is
                            // asked next.
                            if (m.getMessageId() != null) {
                                api.clearKeyboard(m.getChatId(), m.getMessageId())
                                        .onFailure(
                                                err ->
                                                        LOG.info(
                                                                "event=telegram_clear_keyboard_failed kind={}",
                                                                err.getClass().getSimpleName()));
                            }
                        });
    }

    private Future<Void> onMembership(ChatMemberUpdated change) {
        String status =
                change.getNewChatMember() == null ? "" : change.getNewChatMember().getStatus();
        if (!isPrivate(change.getChat())
                && ("member".equals(status) || "administrator".equals(status))) {
            LOG.info("event=telegram_update kind=my_chat_member action=declined");
            if ("channel".equals(change.getChat().getType())) {
                // A message in a channel is public: leave without a word.
                api.leaveChat(change.getChat().getId())
                        .onFailure(
                                err ->
                                        LOG.info(
                                                "event=telegram_leave_failed kind={}",
                                                err.getClass().getSimpleName()));
                return Future.succeededFuture();
            }
            return decline(change.getChat().getId(), say(GROUPS_DECLINED, change.getFrom()));
        }
        // A private chat's "kicked" means the person blocked the bot: the next send gets 403 and
        // stops the conversation.
        LOG.info(
                "event=telegram_update kind=my_chat_member status={}",
                "kicked".equals(status) ? "kicked" : "other");
        return Future.succeededFuture();
    }

    private Future<Void> toDialogue(
            long chatId, String input, String updateId, String referral, Integer messageId) {
        String address = String.valueOf(chatId);
        return conversations
                .receive(new Inbound(NAME, address, input, Optional.of(updateId), true))
                .compose(
                        outcome ->
                                afterStep(chatId, outcome, input, updateId, referral, messageId));
    }

    private Future<Void> afterStep(
            long chatId,
            Conversations.Outcome outcome,
            String input,
            String updateId,
            String referral,
            Integer messageId) {
        if (outcome.duplicate() || outcome.conversationId() == null) {
            return Future.succeededFuture();
        }
        UUID id = outcome.conversationId();
        if (messageId != null) {
            personMessages.merge(
                    id,
                    new PersonMessages(List.of(messageId), Instant.now()),
                    (old, one) -> old.with(messageId));
            if (personMessages.size() > 10_000) {
                personMessages.values().removeIf(p -> !p.current());
            }
        }
        SentMessages collected = toDelete.remove(id);
        PersonMessages theirs = collected == null ? null : personMessages.remove(id);
        if (collected != null && collected.fresh()) {
            // Haven's messages, and the person's own where the Bot API allows it (private chat,
            // last 48 hours)
            List<Integer> sent = new ArrayList<>(collected.ids());
            if (theirs != null && theirs.current()) {
                sent.addAll(theirs.ids());
            }
            api.deleteMessages(chatId, sent)
                    .onSuccess(
                            v ->
                                    LOG.info(
                                            "event=telegram_messages_deleted conversation={} count={}",
                                            id,
                                            sent.size()))
                    .onFailure(
                            err ->
                                    LOG.warn(
                                            "event=telegram_delete_failed conversation={} kind={}",
                                            id,
                                            err.getClass().getSimpleName()));
        }
        if (outcome.erased()) {
            // The conversation (and its outbox) is gone: say the last words directly.
            referrals.remove(id);
            List<Rendered> parts = new ArrayList<>();
            for (Reply r : outcome.replies()) {
                parts.addAll(sender.render(r));
            }
            api.sendAll(chatId, parts)
                    .onFailure(
                            err ->
                                    LOG.info(
                                            "event=telegram_direct_send_failed kind={}",
                                            TelegramApi.classify(err).code()));
            return Future.succeededFuture();
        }
        if (referral != null) {
            referrals.put(id, new PendingReferral(referral, Instant.now().plus(REFERRAL_TTL)));
            return Future.succeededFuture();
        }
        if ("agency".equalsIgnoreCase(input.strip())) {
            PendingReferral pending = referrals.remove(id);
            if (pending != null && pending.expires().isAfter(Instant.now())) {
                LOG.info("event=telegram_referral_code_applied conversation={}", id);
                return conversations
                        .receive(
                                new Inbound(
                                        NAME,
                                        String.valueOf(chatId),
                                        pending.code(),
                                        Optional.of(updateId + "/referral"),
                                        true))
                        .mapEmpty();
            }
        }
        return Future.succeededFuture();
    }

    /**
     * Inside the erase step's transaction: remembers the message ids Haven sent in that
     * conversation.
     */
    private Future<Void> collectSentMessages(
            Db tx, UUID conversationId, String channel, boolean duress) {
        if (!NAME.equals(channel)) {
            return Future.succeededFuture();
        }
        return Outbox.sentMessageIds(tx, conversationId)
                .map(
                        sent -> {
                            List<Integer> ids = sent.stream().map(Long::intValue).toList();
                            toDelete.put(conversationId, new SentMessages(ids, Instant.now()));
                            return null;
                        });
    }

    /**
     * What the script says for {@code key} in the language {@code from}'s app reports, when the
     * script speaks it; else in English and French, as nothing yet tells the person's language.
     */
    private String say(String key, User from) {
        String reported = from == null ? null : from.getLanguageCode();
        String language =
                reported == null ? null : reported.split("[-_]")[0].toLowerCase(Locale.ROOT);
        if (script.speaks(language)) {
            return script.message(key, language).text();
        }
        return script.message(key, "en").text() + "\n" + script.message(key, "fr").text();
    }

    private Future<Void> decline(long chatId, String notice) {
        // Reply once, then leave: the bot is not in the group any more, so there is no second time.
        api.send(chatId, plain(notice))
                .transform(ar -> api.leaveChat(chatId))
                .onFailure(
                        err ->
                                LOG.info(
                                        "event=telegram_leave_failed kind={}",
                                        err.getClass().getSimpleName()));
        return Future.succeededFuture();
    }

    private void politely(long chatId, String text) {
        api.send(chatId, plain(text))
                .onFailure(
                        err ->
                                LOG.info(
                                        "event=telegram_direct_send_failed code={}",
                                        TelegramApi.classify(err).code()));
    }

    private static Rendered plain(String text) {
        return new Rendered(text, List.of(), "en", false);
    }

    private static boolean isPrivate(Chat chat) {
        return chat != null && "private".equals(chat.getType());
    }
}

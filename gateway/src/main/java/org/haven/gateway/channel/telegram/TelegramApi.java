package org.haven.gateway.channel.telegram;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import okhttp3.OkHttpClient;
import org.haven.bot.Option;
import org.haven.bot.render.Rendered;
import org.haven.gateway.outbox.SendResult;
import org.telegram.telegrambots.client.okhttp.OkHttpTelegramClient;
import org.telegram.telegrambots.meta.api.methods.AnswerCallbackQuery;
import org.telegram.telegrambots.meta.api.methods.groupadministration.LeaveChat;
import org.telegram.telegrambots.meta.api.methods.send.SendMessage;
import org.telegram.telegrambots.meta.api.methods.updates.DeleteWebhook;
import org.telegram.telegrambots.meta.api.methods.updates.GetUpdates;
import org.telegram.telegrambots.meta.api.methods.updates.SetWebhook;
import org.telegram.telegrambots.meta.api.methods.updatingmessages.DeleteMessages;
import org.telegram.telegrambots.meta.api.methods.updatingmessages.EditMessageReplyMarkup;
import org.telegram.telegrambots.meta.api.objects.Update;
import org.telegram.telegrambots.meta.api.objects.replykeyboard.InlineKeyboardMarkup;
import org.telegram.telegrambots.meta.api.objects.replykeyboard.buttons.InlineKeyboardButton;
import org.telegram.telegrambots.meta.api.objects.replykeyboard.buttons.InlineKeyboardRow;
import org.telegram.telegrambots.meta.exceptions.TelegramApiException;
import org.telegram.telegrambots.meta.exceptions.TelegramApiRequestException;

/**
 * The Bot API calls Haven makes, through the library's blocking client run on worker threads. Chat
 * ids pass through here in memory only; nothing here logs.
 */
final class TelegramApi {
    /** Telegram's limit on callback_data, in bytes. */
    static final int MAX_CALLBACK_DATA = 64;

    /** Long-polling wait per getUpdates call, in seconds. */
    static final int POLL_TIMEOUT_SECONDS = 25;

    /** The update types Haven handles (setWebhook and getUpdates allowed_updates). */
    static final List<String> ALLOWED_UPDATES =
            List.of("message", "edited_message", "callback_query", "my_chat_member");

    private final Vertx vertx;
    private final OkHttpTelegramClient client;
    private final OkHttpClient http;

    /**
     * The last message per chat that carried buttons, so a tap on an older one can be told apart.
     * In memory only, keyed by a keyed hash of the chat id under a key that lives as long as the
     * process.
     */
    private final Map<String, Integer> latestKeyboard = new ConcurrentHashMap<>();

    private final SecretKeySpec chatKey;

    TelegramApi(Vertx vertx, TelegramConfig config) {
        this.vertx = vertx;
        // Read timeout above the long-poll wait, so a quiet getUpdates is not cut short.
        this.http =
                new OkHttpClient.Builder()
                        .connectTimeout(Duration.ofSeconds(10))
                        .readTimeout(Duration.ofSeconds(POLL_TIMEOUT_SECONDS + 15))
                        .writeTimeout(Duration.ofSeconds(10))
                        .callTimeout(Duration.ofSeconds(POLL_TIMEOUT_SECONDS + 20))
                        .build();
        this.client = new OkHttpTelegramClient(http, config.botToken(), config.apiUrl());
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        this.chatKey = new SecretKeySpec(key, "HmacSHA256");
    }

    private String chatKey(long chatId) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(chatKey);
            return HexFormat.of()
                    .formatHex(
                            mac.doFinal(Long.toString(chatId).getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /**
     * Whether a tapped message is older than the last one Haven sent with buttons in that chat
     * (unknown after a restart: then no tap is stale).
     */
    boolean isStaleKeyboard(long chatId, int messageId) {
        Integer latest = latestKeyboard.get(chatKey(chatId));
        return latest != null && latest != messageId;
    }

    /** Sends one rendered message; returns Telegram's message_id. */
    Future<Integer> send(long chatId, Rendered message) {
        return blocking(() -> sendNow(chatId, message));
    }

    /** Sends rendered parts in order (blocking; call on a worker); returns their message_ids. */
    List<Integer> sendAllNow(long chatId, List<Rendered> parts) throws TelegramApiException {
        List<Integer> ids = new ArrayList<>();
        for (Rendered part : parts) {
            ids.add(sendNow(chatId, part));
        }
        return ids;
    }

    Future<List<Integer>> sendAll(long chatId, List<Rendered> parts) {
        return blocking(() -> sendAllNow(chatId, parts));
    }

    private Integer sendNow(long chatId, Rendered message) throws TelegramApiException {
        SendMessage.SendMessageBuilder<?, ?> b =
                SendMessage.builder().chatId(chatId).text(message.text());
        List<InlineKeyboardRow> rows = new ArrayList<>();
        for (List<Option> row : message.buttons()) {
            InlineKeyboardRow r = new InlineKeyboardRow();
            for (Option o : row) {
                if (o.value().getBytes(StandardCharsets.UTF_8).length <= MAX_CALLBACK_DATA) {
                    r.add(
                            InlineKeyboardButton.builder()
                                    .text(o.label())
                                    .callbackData(o.value())
                                    .build());
                }
            }
            if (!r.isEmpty()) {
                rows.add(r);
            }
        }
        if (rows.isEmpty()) {
            return client.execute(b.build()).getMessageId();
        }
        b.replyMarkup(InlineKeyboardMarkup.builder().keyboard(rows).build());
        Integer id = client.execute(b.build()).getMessageId();
        if (latestKeyboard.size() > 100_000) {
            latestKeyboard
                    .clear(); // a bound, not a cache policy: forgetting only makes taps lenient
        }
        latestKeyboard.put(chatKey(chatId), id);
        return id;
    }

    Future<Void> answerCallback(String callbackQueryId) {
        return blocking(
                        () ->
                                client.execute(
                                        AnswerCallbackQuery.builder()
                                                .callbackQueryId(callbackQueryId)
                                                .build()))
                .mapEmpty();
    }

    /** Answers a button tap with a short notice shown on the person's screen. */
    Future<Void> answerCallback(String callbackQueryId, String notice) {
        return blocking(
                        () ->
                                client.execute(
                                        AnswerCallbackQuery.builder()
                                                .callbackQueryId(callbackQueryId)
                                                .text(notice)
                                                .build()))
                .mapEmpty();
    }

    /**
     * Removes the inline keyboard from a message the bot sent, so its buttons cannot be tapped
     * again.
     */
    Future<Void> clearKeyboard(long chatId, int messageId) {
        return blocking(
                        () ->
                                client.execute(
                                        EditMessageReplyMarkup.builder()
                                                .chatId(chatId)
                                                .messageId(messageId)
                                                .build()))
                .mapEmpty();
    }

    /**
     * Deletes messages in a chat, up to 100 per call; Telegram skips those it may not delete (older
     * than 48 h).
     */
    Future<Void> deleteMessages(long chatId, List<Integer> messageIds) {
        if (messageIds.isEmpty()) {
            return Future.succeededFuture();
        }
        return blocking(
                () -> {
                    for (int i = 0; i < messageIds.size(); i += 100) {
                        client.execute(
                                DeleteMessages.builder()
                                        .chatId(chatId)
                                        .messageIds(
                                                messageIds.subList(
                                                        i, Math.min(messageIds.size(), i + 100)))
                                        .build());
                    }
                    return null;
                });
    }

    Future<Void> leaveChat(long chatId) {
        return blocking(() -> client.execute(LeaveChat.builder().chatId(chatId).build()))
                .mapEmpty();
    }

    Future<Void> setWebhook(String url, String secretToken) {
        return blocking(
                        () ->
                                client.execute(
                                        SetWebhook.builder()
                                                .url(url)
                                                .secretToken(secretToken)
                                                .allowedUpdates(ALLOWED_UPDATES)
                                                .dropPendingUpdates(false)
                                                .build()))
                .mapEmpty();
    }

    /** Removes a registered webhook (blocking): getUpdates is refused while one is set. */
    void deleteWebhookNow() throws TelegramApiException {
        client.execute(DeleteWebhook.builder().dropPendingUpdates(false).build());
    }

    /** One long-polling call (blocking; call on the polling thread). */
    List<Update> getUpdatesNow(int offset) throws TelegramApiException {
        return client.execute(
                GetUpdates.builder()
                        .offset(offset)
                        .timeout(POLL_TIMEOUT_SECONDS)
                        .allowedUpdates(ALLOWED_UPDATES)
                        .build());
    }

    /** Releases the HTTP client's threads and connections. */
    void close() {
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }

    private <T> Future<T> blocking(Callable<T> call) {
        // Unordered: sends to different chats need not wait for each other.
        return vertx.executeBlocking(call, false);
    }

    /**
     * Maps a failed call to the outbox's failure kinds: 429 waits for retry_after, 403 (blocked,
     * deactivated, kicked) stops the conversation, other 4xx are permanent, anything else is
     * retried with backoff.
     */
    static SendResult.Failed classify(Throwable error) {
        if (error instanceof TelegramApiRequestException e && e.getErrorCode() != null) {
            int code = e.getErrorCode();
            if (code == 429) {
                Integer after =
                        e.getParameters() == null ? null : e.getParameters().getRetryAfter();
                return new SendResult.Failed(
                        SendResult.Kind.RATE_LIMITED,
                        "429",
                        Duration.ofSeconds(after == null || after < 1 ? 1 : Math.min(after, 3600)));
            }
            if (code == 403) {
                return new SendResult.Failed(SendResult.Kind.RECIPIENT_STOPPED, "403");
            }
            if (code >= 400 && code < 500) {
                return new SendResult.Failed(SendResult.Kind.PERMANENT, String.valueOf(code));
            }
            return new SendResult.Failed(SendResult.Kind.RETRYABLE, String.valueOf(code));
        }
        return new SendResult.Failed(SendResult.Kind.RETRYABLE, "io");
    }
}

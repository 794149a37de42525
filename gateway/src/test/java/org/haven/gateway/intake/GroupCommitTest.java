package org.haven.gateway.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.haven.gateway.Haven;
import org.haven.gateway.support.ChatClient;
import org.haven.gateway.support.DatabaseDump;
import org.haven.gateway.support.InboxClient;
import org.haven.gateway.support.IntakeDriver;
import org.haven.gateway.support.TestHaven;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Group commit of dialogue steps ({@code HAVEN_STEP_BATCH}, {@link
 * org.haven.gateway.store.StepBatches}) on a whole gateway: many people at once, each answer
 * acknowledged only once committed, every conversation's replies in order.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class GroupCommitTest {
    private static final int PEOPLE = 32;

    /**
     * Verifies that with HAVEN_STEP_BATCH=8, many web chat intakes at once all commit, each with
     * the replies a lone intake gets, in the same order, and that steps did share transactions
     * (haven_step_batch_size on /metrics).
     */
    @Test
    void testManyConversationsAtOnceCommitInOrderInSharedTransactions(@TempDir Path dataDir)
            throws Exception {
        try (Haven haven = TestHaven.start(dataDir, Map.of("HAVEN_STEP_BATCH", "8"))) {
            TestHaven.setUpAdmin(haven);
            List<String> alone = texts(IntakeDriver.completeIntake(haven.port(), "alone-1"));
            List<String> again = texts(IntakeDriver.completeIntake(haven.port(), "alone-2"));
            assertEquals(alone.size(), again.size());
            ExecutorService people = Executors.newFixedThreadPool(PEOPLE);
            try {
                List<Future<IntakeDriver.Transcript>> runs = new ArrayList<>();
                for (int i = 0; i < PEOPLE; i++) {
                    String marker = "together-" + i;
                    runs.add(
                            people.submit(
                                    () -> {
                                        try (ChatClient chat = ChatClient.connect(haven.port())) {
                                            return IntakeDriver.run(
                                                    chat, IntakeDriver.survivorAnswers(marker));
                                        }
                                    }));
                }
                for (Future<IntakeDriver.Transcript> run : runs) {
                    List<String> got = texts(run.get(3, TimeUnit.MINUTES));
                    assertEquals(alone.size(), got.size(), "replies missing or extra: " + got);
                    for (int i = 0; i < alone.size(); i++) {
                        // the case reference and the resume phrase differ per person
                        if (alone.get(i).equals(again.get(i))) {
                            assertEquals(alone.get(i), got.get(i), "reply " + i + " out of order");
                        }
                    }
                }
            } finally {
                people.shutdownNow();
            }
            assertEquals(
                    List.of(List.of(String.valueOf(PEOPLE + 2))),
                    DatabaseDump.query(
                            haven.database().connectOptions(), "SELECT count(*) FROM cases"));
            String metrics = new InboxClient(haven.port()).get("/metrics").body();
            double batches = metric(metrics, "haven_step_batch_size_count");
            double steps = metric(metrics, "haven_step_batch_size_sum");
            double largest = metric(metrics, "haven_step_batch_size_max");
            assertTrue(
                    steps >= (PEOPLE + 2) * IntakeDriver.survivorAnswers("x").size(),
                    "steps committed: " + steps);
            assertTrue(
                    steps > batches && largest > 1,
                    "no transaction committed more than one step: " + batches + " " + steps);
        }
    }

    /**
     * Verifies that new conversations opened all at once (a page opened by many people together) go
     * through the lanes of group commit like messages, instead of each taking a connection of the
     * pool ahead of the messages waiting for one: every person gets their session and the first
     * question, and the opens were committed by the lanes (haven_step_batch_size counts them).
     */
    @Test
    void testConversationsOpenedTogetherCommitInTheLanes(@TempDir Path dataDir) throws Exception {
        try (Haven haven = TestHaven.start(dataDir, Map.of("HAVEN_STEP_BATCH", "8"))) {
            List<ChatClient> chats = new ArrayList<>();
            try {
                for (int i = 0; i < PEOPLE; i++) {
                    chats.add(ChatClient.connect(haven.port()));
                }
                for (ChatClient chat : chats) {
                    chat.start(null);
                }
                for (ChatClient chat : chats) {
                    assertTrue(
                            chat.nextOfType("session").getString("resume").length() > 10,
                            "no session");
                    assertEquals("reply", chat.nextOfType("reply").getString("type"));
                }
            } finally {
                chats.forEach(ChatClient::close);
            }
            assertEquals(
                    List.of(List.of(String.valueOf(PEOPLE))),
                    DatabaseDump.query(
                            haven.database().connectOptions(),
                            "SELECT count(*) FROM conversations"));
            String metrics = new InboxClient(haven.port()).get("/metrics").body();
            assertEquals(PEOPLE, metric(metrics, "haven_step_batch_size_sum"), "opens committed");
        }
    }

    private static List<String> texts(IntakeDriver.Transcript t) {
        return t.frames().stream().map(f -> String.valueOf(f.getString("text"))).toList();
    }

    private static double metric(String body, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + " (\\S+)$").matcher(body);
        assertTrue(m.find(), "no " + name);
        return Double.parseDouble(m.group(1));
    }
}

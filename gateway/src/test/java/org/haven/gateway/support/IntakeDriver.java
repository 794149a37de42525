package org.haven.gateway.support;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs the default intake over the web chat socket, as a survivor in Toronto would answer it. */
public final class IntakeDriver {
    private static final Pattern REFERENCE = Pattern.compile("HV-[A-Z2-9]{6}");

    /** What the person said and what the bot answered. */
    public record Transcript(String resumeToken, List<String> said, List<JsonObject> frames) {}

    private IntakeDriver() {}

    /**
     * The inputs, in order, that take the default intake from its first question to the handoff.
     */
    public static List<String> survivorAnswers(String marker) {
        return List.of(
                "yes", // safe to talk now
                "en", // language
                "survivor", // who is writing
                "no", // in danger now
                "yes", // agrees that coordinators read the answers
                "torture", // what happened
                "Syria", // country
                "2014", // when
                "refugee", // status in Canada
                "yes", // person responsible in Canada
                "none", // immigration status at risk
                "no", // health support information
                "phone", // how to reach
                "+1 416 555 0199", // number (a contact detail: must never be stored in clear)
                "evenings " + marker, // safe times, free text carrying the test's marker
                "no", // may we leave messages
                "Toronto"); // city
    }

    /** The inputs of an agency worker referring a client with the agency's code, to the handoff. */
    public static List<String> agencyAnswers(String referralCode, String marker) {
        return List.of(
                "yes",
                "en",
                "agency",
                referralCode,
                "yes",
                "arrived",
                "no",
                "torture",
                "Syria",
                "2014",
                "refugee",
                "yes",
                "none",
                "no",
                "here",
                "mornings " + marker,
                "no",
                "Toronto");
    }

    /** Runs a whole intake as a new person; returns the transcript. */
    public static Transcript completeIntake(int port, String marker) throws Exception {
        try (ChatClient chat = ChatClient.connect(port)) {
            return run(chat, survivorAnswers(marker));
        }
    }

    /**
     * Runs an intake with the given inputs on an open chat (left open, e.g. to receive a
     * coordinator's reply). Each input is sent once the last one is acknowledged (stored with its
     * step); the replies come right behind each ack. Returns once the last step's replies are in
     * too ({@link ChatClient#sync}), so the next frame on the chat is whatever comes later.
     */
    public static Transcript run(ChatClient chat, List<String> said) throws Exception {
        chat.start(null);
        JsonObject session = chat.nextOfType("session");
        List<JsonObject> frames = new ArrayList<>();
        for (String input : said) {
            frames.addAll(chat.untilAck(chat.say(input)));
        }
        frames.addAll(chat.sync());
        return new Transcript(
                session.getString("resume"),
                said,
                frames.stream().filter(f -> "reply".equals(f.getString("type"))).toList());
    }

    /** The single case reference shown on an inbox queue page. */
    public static String onlyCaseReference(String queuePage) {
        Matcher m = REFERENCE.matcher(queuePage);
        List<String> found = new ArrayList<>();
        while (m.find()) {
            if (!found.contains(m.group())) {
                found.add(m.group());
            }
        }
        if (found.size() != 1) {
            throw new AssertionError("expected one case in the queue, found " + found);
        }
        return found.get(0);
    }
}

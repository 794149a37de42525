package org.haven.load;

import java.util.List;

/**
 * What a load client says: the default intake as a survivor in Toronto answers it, then a few
 * messages for the coordinator.
 */
final class Script {
    /**
     * What a person's first text message says: on SMS the first message opens the conversation (its
     * script only chooses the greeting's language), and the first question comes back.
     */
    static final String SMS_FIRST = "Hello";

    /**
     * The default intake's answers, first question to handoff (as the gateway tests' IntakeDriver).
     */
    static final List<String> INTAKE =
            List.of(
                    "yes",
                    "en",
                    "survivor",
                    "no",
                    "yes",
                    "torture",
                    "Syria",
                    "2014",
                    "refugee",
                    "yes",
                    "none",
                    "no",
                    "phone",
                    "+1 555 010 0000",
                    "evenings load",
                    "no",
                    "Toronto");

    /** After the handoff, free text that goes to the case as sealed messages. */
    static final List<String> AFTER = List.of("thank you", "when will someone write", "ok");

    private Script() {}
}

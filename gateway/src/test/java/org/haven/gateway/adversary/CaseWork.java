package org.haven.gateway.adversary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import org.haven.gateway.support.InboxClient;

/** What a coordinator does with a case in the inbox, each step asserted to succeed. */
final class CaseWork {
    private CaseWork() {}

    /**
     * Claims the case at {@code path} (e.g. {@code /inbox/cases/<id>}), sends the person {@code
     * reply} and writes the private note {@code note} on it, as {@code inbox}'s user.
     */
    static void claimReplyAndNote(InboxClient inbox, String path, String reply, String note)
            throws Exception {
        assertEquals(302, inbox.postWithCsrf(inbox.get(path).body(), path + "/claim").statusCode());
        HttpResponse<String> replied =
                inbox.postWithCsrf(
                        inbox.get(path).body(), path + "/reply", "text", reply, "canned", "");
        assertTrue(
                replied.headers().firstValue("Location").orElse("").endsWith("m=case.reply.sent"),
                "reply refused");
        assertEquals(
                302,
                inbox.postWithCsrf(inbox.get(path).body(), path + "/note", "text", note)
                        .statusCode());
    }
}

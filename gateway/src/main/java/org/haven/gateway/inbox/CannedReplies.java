package org.haven.gateway.inbox;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.haven.gateway.store.CannedReplyStore;
import org.haven.gateway.store.CannedReplyStore.CannedReply;
import org.haven.gateway.store.CannedReplyStore.Version;
import org.haven.gateway.store.Db;

/**
 * Replies coordinators send often, as administrators keep them (the Canned replies page), offered
 * on a case in the case's language: in English only where a reply has no text in that language, and
 * then marked so; a reply with neither is not offered.
 */
final class CannedReplies {
    private static final String FALLBACK = "en";

    private final Db db;

    CannedReplies(Db db) {
        this.db = db;
    }

    /**
     * A reply as offered on a case.
     *
     * @param id its id, the option's value
     * @param title its title in the coordinator's language where it has one, else that of {@code
     *     text}
     * @param text what goes into the reply box
     * @param inEnglish whether {@code text} is the English one because the case's language has none
     */
    record Offer(long id, String title, String text, boolean inEnglish) {}

    /**
     * The replies for a case in {@code caseLanguage}, in order, titled in {@code inboxLanguage}.
     */
    Future<List<Offer>> offers(String caseLanguage, String inboxLanguage) {
        return CannedReplyStore.list(db)
                .map(
                        all -> {
                            List<Offer> out = new ArrayList<>();
                            for (CannedReply r : all) {
                                offer(r, caseLanguage, inboxLanguage).ifPresent(out::add);
                            }
                            return out;
                        });
    }

    /** The text of the reply {@code id} (a form's value) for a case in {@code caseLanguage}. */
    Future<Optional<String>> text(String id, String caseLanguage) {
        if (id == null || !id.matches("[0-9]{1,18}")) {
            return Future.succeededFuture(Optional.empty());
        }
        return CannedReplyStore.find(db, Long.parseLong(id))
                .map(r -> r.flatMap(c -> offer(c, caseLanguage, FALLBACK)).map(Offer::text));
    }

    private static Optional<Offer> offer(CannedReply r, String caseLanguage, String inboxLanguage) {
        String language = caseLanguage == null ? FALLBACK : caseLanguage;
        Optional<Version> own = r.in(language);
        Optional<Version> chosen = own.or(() -> r.in(FALLBACK));
        if (chosen.isEmpty()) {
            return Optional.empty();
        }
        String title = r.in(inboxLanguage).orElse(chosen.get()).title();
        return Optional.of(new Offer(r.id(), title, chosen.get().text(), own.isEmpty()));
    }
}

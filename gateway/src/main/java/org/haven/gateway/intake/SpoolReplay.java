package org.haven.gateway.intake;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.haven.gateway.logging.RepeatedLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps acknowledged messages in the local {@link Spool} while PostgreSQL is unreachable, and
 * replays them in arrival order, once a second, when it answers again: each replayed message is one
 * dialogue step, and the replay stops at the first the database still refuses (the rest waits for
 * the next tick). While anything waits in the spool, new messages queue behind it. The spool's file
 * I/O (and its {@code fsync}s) runs on worker threads, never on the event loop.
 */
final class SpoolReplay {
    private static final Logger LOG = LoggerFactory.getLogger(SpoolReplay.class);

    /**
     * Errors that repeat while their cause lasts (a full disk, an outage): once a minute, with a
     * count.
     */
    private final RepeatedLog repeated = new RepeatedLog(LOG);

    /** How many people's messages are replayed at once. */
    private static final int PARALLEL = 8;

    private final Spool spool;
    private final Vertx vertx;
    private final Function<Inbound, Future<?>> step;
    private long timer = -1;
    private boolean replaying;
    private Promise<Void> stopped;
    private volatile boolean unreadable;

    /** How many of the messages the spool held when this gateway started are not replayed yet. */
    private volatile int leftFromStart;

    /** Starts replaying {@code spool} through {@code step} once a second. */
    SpoolReplay(Spool spool, Vertx vertx, Function<Inbound, Future<?>> step) {
        this.spool = spool;
        this.vertx = vertx;
        this.step = step;
        this.leftFromStart = spool.pending();
        if (leftFromStart > 0) {
            LOG.info("event=spool_found_at_start pending={}", leftFromStart);
        }
        this.timer = vertx.setPeriodic(1000, id -> replay());
    }

    /** How many messages wait. */
    int pending() {
        return spool.pending();
    }

    /** How many damaged regions or unreadable records the spool has set aside (never replayed). */
    int quarantined() {
        return spool.quarantined();
    }

    /**
     * Whether the messages the spool held when this gateway started are all replayed (true at once
     * for an empty spool). They are the oldest, and replays drop the oldest first.
     */
    boolean replayedFromStart() {
        return leftFromStart == 0;
    }

    /**
     * Whether the last read of the spool failed (the disk, not its contents: those are
     * quarantined).
     */
    boolean unreadable() {
        return unreadable;
    }

    /**
     * Appends a message the database could not take; it may be acknowledged once the future
     * completes.
     */
    Future<Void> append(Inbound in) {
        Spool.Append ticket;
        try {
            ticket = spool.offer(in);
        } catch (IOException e) {
            repeated.error("spool_failed", "kind={}", e.getClass().getSimpleName());
            return Future.failedFuture(e);
        }
        // a failed append (a full disk) leaves the file as it was and fails: the message is not
        // acknowledged
        return vertx.<Void>executeBlocking(
                        () -> {
                            spool.flush(ticket);
                            return null;
                        },
                        false)
                .onSuccess(
                        v ->
                                LOG.warn(
                                        "event=inbound_spooled channel={} pending={}",
                                        in.channel(),
                                        spool.pending()))
                .onFailure(
                        e ->
                                repeated.error(
                                        "spool_failed", "kind={}", e.getClass().getSimpleName()));
    }

    /**
     * Stops replaying; completes once a replay in flight has finished (what it did not replay stays
     * in the spool for the next start).
     */
    synchronized Future<Void> stop() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
        stopped = Promise.promise();
        if (!replaying) {
            stopped.complete();
        }
        return stopped.future();
    }

    private synchronized void replay() {
        if (spool.pending() == 0 || replaying || stopped != null) {
            return;
        }
        replaying = true;
        vertx.executeBlocking(spool::read, false)
                .onComplete(
                        ar -> {
                            unreadable = ar.failed();
                            if (ar.failed()) {
                                repeated.error(
                                        "spool_unreadable",
                                        "kind={}",
                                        ar.cause().getClass().getSimpleName());
                                finish(0);
                                return;
                            }
                            replayAll(ar.result());
                        });
    }

    /**
     * Replays one read of the spool. Only each person's messages must keep their order, so each
     * person's are replayed one after another, and up to {@link #PARALLEL} people at once: a
     * gateway that comes back under load drains its spool faster than messages arrive. A person's
     * replay stops at their first message the database refuses; the spool then drops the longest
     * run of replayed messages from its start (a message replayed again later is recognised as a
     * duplicate by its id).
     */
    private void replayAll(List<Inbound> waiting) {
        boolean[] replayed = new boolean[waiting.size()];
        Map<String, List<Integer>> byPerson = new LinkedHashMap<>();
        for (int i = 0; i < waiting.size(); i++) {
            byPerson.computeIfAbsent(
                            waiting.get(i).channel() + ":" + waiting.get(i).address(),
                            k -> new ArrayList<>())
                    .add(i);
        }
        Iterator<List<Integer>> people = byPerson.values().iterator();
        List<Future<Void>> lanes = new ArrayList<>();
        for (int lane = 0; lane < PARALLEL; lane++) {
            lanes.add(nextPerson(people, waiting, replayed));
        }
        Future.join(lanes)
                .onComplete(
                        ar -> {
                            int prefix = 0;
                            while (prefix < replayed.length && replayed[prefix]) {
                                prefix++;
                            }
                            finish(prefix);
                        });
    }

    /**
     * Replays the next person's messages in order, then the next person's, until none is left for
     * this lane.
     */
    private Future<Void> nextPerson(
            Iterator<List<Integer>> people, List<Inbound> waiting, boolean[] replayed) {
        List<Integer> mine;
        synchronized (people) {
            if (!people.hasNext()) {
                return Future.succeededFuture();
            }
            mine = people.next();
        }
        Future<Void> chain = Future.succeededFuture();
        for (int i : mine) {
            Inbound in = waiting.get(i);
            // Replies of a replayed message always go through the outbox (the web chat's socket may
            // be gone).
            Inbound again =
                    new Inbound(
                            in.channel(),
                            in.address(),
                            in.text(),
                            in.messageId(),
                            true,
                            in.spooled());
            chain =
                    chain.compose(
                            v ->
                                    step.apply(again)
                                            .map(
                                                    o -> {
                                                        replayed[i] = true;
                                                        return null;
                                                    }));
        }
        return chain.transform(ar -> nextPerson(people, waiting, replayed));
    }

    private void finish(int done) {
        Future<Void> trimmed =
                done == 0
                        ? Future.succeededFuture()
                        : vertx.<Void>executeBlocking(
                                        () -> {
                                            spool.dropFirst(done);
                                            return null;
                                        },
                                        false)
                                .onSuccess(
                                        v -> {
                                            LOG.info(
                                                    "event=spool_replayed count={} pending={}",
                                                    done,
                                                    spool.pending());
                                            if (leftFromStart > 0) {
                                                leftFromStart = Math.max(0, leftFromStart - done);
                                            }
                                        })
                                .onFailure(
                                        e ->
                                                LOG.error(
                                                        "event=spool_trim_failed kind={}",
                                                        e.getClass().getSimpleName()));
        trimmed.onComplete(
                ar -> {
                    synchronized (this) {
                        replaying = false;
                        if (stopped != null) {
                            stopped.tryComplete();
                        }
                    }
                    if (ar.succeeded() && done > 0 && spool.pending() > 0) {
                        // Messages that came in during the replay queued behind it: replay them at
                        // once rather than on
                        // the next tick, or under steady traffic the spool never empties and
                        // everything keeps going through it.
                        vertx.runOnContext(v -> replay());
                    }
                });
    }
}

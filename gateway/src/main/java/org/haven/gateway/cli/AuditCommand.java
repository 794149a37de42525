package org.haven.gateway.cli;

import java.io.PrintWriter;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.haven.gateway.store.AuditLog;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code haven audit verify|list}: checks and reads the hash-chained audit log. */
@Command(
        name = "audit",
        mixinStandardHelpOptions = true,
        description = "Check and read the audit log (who did what to which case).",
        subcommands = {AuditCommand.Verify.class, AuditCommand.ListEntries.class})
public final class AuditCommand extends CommandGroup {

    /** {@code haven audit verify}. */
    @Command(
            name = "verify",
            mixinStandardHelpOptions = true,
            description = {
                "Walk the audit log's hash chain from the first entry to the last, with the audit key",
                "(derived from the server keys: give the server's HAVEN_DATA_DIR or HAVEN_SERVER_KEYS).",
                "Exit 0 and print 'audit log intact: N entries', the first keyed entry and the head when it holds;",
                "exit 1 and name the first entry that was edited, deleted (missing) or reordered, or a head that",
                "was replaced or moved back, when it does not."
            })
    static final class Verify implements Callable<Integer> {
        @ParentCommand AuditCommand audit;
        @Spec CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            return Cli.withDatabase(
                    audit.main,
                    err,
                    (db, config) -> {
                        AuditLog.Verification v =
                                Cli.await(
                                        new AuditLog(db.db(), Cli.serverSecrets(config).auditKey())
                                                .verify());
                        if (v.intact()) {
                            out.println("audit log intact: " + v.entries() + " entries");
                            if (v.keyedFrom() > 0) {
                                out.println(
                                        "keyed from entry "
                                                + v.keyedFrom()
                                                + ", written "
                                                + v.keyedAt().withOffsetSameInstant(ZoneOffset.UTC)
                                                + (v.keyedFrom() == 1
                                                        ? ""
                                                        : ": entries 1 to "
                                                                + (v.keyedFrom() - 1)
                                                                + " were written before Haven keyed its log"));
                            } else if (v.entries() > 0) {
                                out.println(
                                        "NOT KEYED: no entry is sealed with the audit key yet; the next Haven start keys the log."
                                                + " If Haven has run since its upgrade, someone rewrote the log without the key.");
                            }
                            if (v.headHash() != null) {
                                out.println("head: " + HexFormat.of().formatHex(v.headHash()));
                            }
                            out.flush();
                            return 0;
                        }
                        out.println(
                                "audit log BROKEN at "
                                        + v.firstBreak().get()
                                        + " ("
                                        + v.entries()
                                        + " entries verified before it)");
                        out.flush();
                        return 1;
                    });
        }
    }

    /** {@code haven audit list}. */
    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description =
                    "List audit entries, oldest first, the newest N that match (tab-separated: id, time, actor, action, case).")
    static final class ListEntries implements Callable<Integer> {
        @ParentCommand AuditCommand audit;
        @Spec CommandSpec spec;

        @Option(
                names = "--actor",
                paramLabel = "USERNAME",
                description = "only this actor (a username, or system:…)")
        String actor;

        @Option(
                names = "--action",
                paramLabel = "ACTION",
                description = "only actions starting with this (e.g. login, case_view, status)")
        String action;

        @Option(names = "--case", paramLabel = "ID", description = "only this case (its id)")
        String caseId;

        @Option(
                names = "--since",
                paramLabel = "DATE",
                description = "only from this day (YYYY-MM-DD, UTC) or instant (ISO 8601)")
        String since;

        @Option(
                names = "--limit",
                paramLabel = "N",
                defaultValue = "100",
                description = "at most N entries, 1 to 10000 (default: ${DEFAULT-VALUE})")
        int limit;

        @Override
        public Integer call() {
            if (limit < 1 || limit > 10_000) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(), "--limit must be from 1 to 10000, got " + limit);
            }
            UUID caseUuid = null;
            if (caseId != null) {
                try {
                    caseUuid = UUID.fromString(caseId.trim());
                } catch (IllegalArgumentException e) {
                    throw new CommandLine.ParameterException(
                            spec.commandLine(),
                            "--case must be a case id (a UUID), got '" + caseId + "'");
                }
            }
            OffsetDateTime from = since == null ? null : parseSince(spec, since);
            AuditLog.Query q =
                    new AuditLog.Query(
                            blankToNull(actor), blankToNull(action), caseUuid, from, null, limit);
            PrintWriter out = spec.commandLine().getOut();
            return Cli.withDatabase(
                    audit.main,
                    spec.commandLine().getErr(),
                    (db, config) -> {
                        List<AuditLog.Entry> entries = Cli.await(AuditLog.list(db.db(), q));
                        for (int i = entries.size() - 1; i >= 0; i--) {
                            AuditLog.Entry e = entries.get(i);
                            out.println(
                                    e.id()
                                            + "\t"
                                            + e.at().withOffsetSameInstant(ZoneOffset.UTC)
                                            + "\t"
                                            + e.actor()
                                            + "\t"
                                            + e.action()
                                            + "\t"
                                            + (e.caseId() == null ? "-" : e.caseId()));
                        }
                        out.flush();
                        return 0;
                    });
        }
    }

    static OffsetDateTime parseSince(CommandSpec spec, String raw) {
        String s = raw.trim();
        try {
            return LocalDate.parse(s).atStartOfDay().atOffset(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            try {
                return OffsetDateTime.parse(s);
            } catch (DateTimeParseException e2) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(),
                        "--since must be a date like 2026-01-31 or an instant like 2026-01-31T12:00:00Z, got '"
                                + raw
                                + "'");
            }
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}

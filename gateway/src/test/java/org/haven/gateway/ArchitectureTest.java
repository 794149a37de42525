package org.haven.gateway;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The layering of the modules and of the gateway's packages, as tests (issue 23). Imports the main
 * classes of all three modules: crypto and bot come from their jars on this module's class path, so
 * the first two rules check them too.
 */
@AnalyzeClasses(packages = "org.haven", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
    private static final String TWILIO = "org.haven.gateway.channel.twilio..";

    /**
     * Verifies that {@code crypto} depends on nothing of ours: the crypto API stays small,
     * reviewable on its own and usable without the gateway.
     */
    @ArchTest
    static final ArchRule cryptoImportsNothingOfOurs =
            noClasses()
                    .that()
                    .resideInAPackage("org.haven.crypto..")
                    .should()
                    .dependOnClassesThat(ourClassesOutside("org.haven.crypto"));

    /**
     * Verifies that {@code bot} depends on nothing of ours: the intake engine stays pure Java,
     * synchronous and unit-testable without the gateway.
     */
    @ArchTest
    static final ArchRule botImportsNothingOfOurs =
            noClasses()
                    .that()
                    .resideInAPackage("org.haven.bot..")
                    .should()
                    .dependOnClassesThat(ourClassesOutside("org.haven.bot"));

    /**
     * Verifies that each channel ({@code channel.<x>}) is self-contained: adding, changing or
     * removing one channel touches no other channel. The one exception is {@code channel.twilio},
     * the provider code SMS and WhatsApp share (signature, sending, status callbacks), which
     * channels may use and which itself uses no channel.
     */
    @ArchTest
    static final ArchRule channelsDoNotDependOnEachOther =
            slices().matching("org.haven.gateway.channel.(*)..")
                    .should()
                    .notDependOnEachOther()
                    .ignoreDependency(
                            DescribedPredicate.alwaysTrue(),
                            JavaClass.Predicates.resideInAPackage(TWILIO));

    /**
     * Verifies that the shared Twilio code depends on no channel: not the two that use it, nor any
     * other, present or future (only the channel contract in {@code channel} itself).
     */
    @ArchTest
    static final ArchRule twilioUsesNoChannel =
            noClasses()
                    .that()
                    .resideInAPackage(TWILIO)
                    .should()
                    .dependOnClassesThat(
                            JavaClass.Predicates.resideInAPackage("org.haven.gateway.channel.*..")
                                    .and(JavaClass.Predicates.resideOutsideOfPackage(TWILIO)));

    /**
     * Verifies that no channel reaches into the coordinator inbox: survivor-facing code cannot read
     * or render what only coordinators may see.
     */
    @ArchTest
    static final ArchRule channelsDoNotDependOnTheInbox =
            noClasses()
                    .that()
                    .resideInAPackage("org.haven.gateway.channel..")
                    .should()
                    .dependOnClassesThat()
                    .resideInAPackage("org.haven.gateway.inbox..");

    /**
     * Verifies that SQL lives in {@code store/} (and the outbox's own queries in {@code outbox/}),
     * so that a schema change has one place to look: the rest of the gateway holds a {@code
     * store.Db} and never touches the SQL client (its rows, tuples, queries or errors).
     */
    @ArchTest
    static final ArchRule onlyStoreAndOutboxUseTheSqlClient =
            noClasses()
                    .that()
                    .resideInAPackage("org.haven.gateway..")
                    .and()
                    .resideOutsideOfPackages(
                            "org.haven.gateway.store..", "org.haven.gateway.outbox..")
                    .should()
                    .dependOnClassesThat()
                    .resideInAnyPackage("io.vertx.sqlclient..", "io.vertx.pgclient..");

    /**
     * Verifies that SQL over JDBC (the logical backup, the embedded server's set-up) also runs only
     * in {@code store/}: nothing else opens a JDBC connection, runs a statement, reads a result set
     * or uses the PostgreSQL driver's own API. Catching {@code SQLException} to name a failure is
     * allowed.
     */
    @ArchTest
    static final ArchRule onlyStoreUsesJdbc =
            noClasses()
                    .that()
                    .resideInAPackage("org.haven.gateway..")
                    .and()
                    .resideOutsideOfPackages(
                            "org.haven.gateway.store..", "org.haven.gateway.outbox..")
                    .should()
                    .dependOnClassesThat()
                    .haveFullyQualifiedName("java.sql.Connection")
                    .orShould()
                    .dependOnClassesThat()
                    .haveFullyQualifiedName("java.sql.DriverManager")
                    .orShould()
                    .dependOnClassesThat()
                    .haveFullyQualifiedName("java.sql.Statement")
                    .orShould()
                    .dependOnClassesThat()
                    .haveFullyQualifiedName("java.sql.PreparedStatement")
                    .orShould()
                    .dependOnClassesThat()
                    .haveFullyQualifiedName("java.sql.ResultSet")
                    .orShould()
                    .dependOnClassesThat(
                            JavaClass.Predicates.resideInAPackage("org.postgresql..")
                                    .and(
                                            JavaClass.Predicates.resideOutsideOfPackage(
                                                    "org.postgresql.util")));

    /**
     * Verifies that the gateway's packages form no cycles, so that each can be understood, and
     * changed, from the packages below it.
     */
    @ArchTest
    static final ArchRule gatewayPackagesAreFreeOfCycles =
            slices().matching("org.haven.gateway.(*)..").should().beFreeOfCycles();

    private static DescribedPredicate<JavaClass> ourClassesOutside(String module) {
        return DescribedPredicate.describe(
                "are ours outside " + module,
                c ->
                        c.getPackageName().startsWith("org.haven.")
                                && !c.getPackageName().equals(module)
                                && !c.getPackageName().startsWith(module + "."));
    }
}

package org.haven.bot;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs {@link EngineBenchmark} with JMH: a measurement, not a test (it asserts nothing, and runs
 * only with {@code -Dhaven.measure=true}): {@code mvn -pl bot -am test -Dtest=EngineBenchmarkRun
 * -Dhaven.measure=true -Dsurefire.failIfNoSpecifiedTests=false}. JMH prints its table to the test's
 * output (bot/target/surefire-reports).
 */
@EnabledIfSystemProperty(named = "haven.measure", matches = "true")
class EngineBenchmarkRun {

    @Test
    void runEngineBenchmark() throws Exception {
        new Runner(
                        new OptionsBuilder()
                                .include(EngineBenchmark.class.getName())
                                .shouldFailOnError(true)
                                .build())
                .run();
    }
}

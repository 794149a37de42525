package org.haven.gateway.keys;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs {@link SealingBenchmark} with JMH: a measurement, not a test (it asserts nothing, and runs
 * only with {@code -Dhaven.measure=true}): {@code mvn -pl gateway -am test
 * -Dtest=SealingBenchmarkRun -Dhaven.measure=true -Dsurefire.failIfNoSpecifiedTests=false}. JMH
 * prints its table to the test's output (gateway/target/surefire-reports).
 */
@EnabledIfSystemProperty(named = "haven.measure", matches = "true")
class SealingBenchmarkRun {

    @Test
    void runSealingBenchmark() throws Exception {
        new Runner(
                        new OptionsBuilder()
                                .include(SealingBenchmark.class.getName())
                                .shouldFailOnError(true)
                                .build())
                .run();
    }
}

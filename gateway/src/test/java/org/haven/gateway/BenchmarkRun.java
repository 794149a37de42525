package org.haven.gateway;

import org.haven.crypto.Argon2Params;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs the gateway's JMH benchmarks whose names match {@code -Dhaven.benchmark} (a regular
 * expression; all of them without it): a measurement, not a test (it asserts nothing, and runs only
 * with {@code -Dhaven.measure=true}): {@code mvn -pl gateway -am test -Dtest=BenchmarkRun
 * -Dhaven.measure=true -Dhaven.benchmark=SealingBenchmark -Dsurefire.failIfNoSpecifiedTests=false}.
 * JMH prints its table to the test's output (gateway/target/surefire-reports). The benchmarks' JVMs
 * run at the shipped passphrase cost, whatever the suite's ({@link Argon2Params#TEST_MINIMUM}).
 */
@EnabledIfSystemProperty(named = "haven.measure", matches = "true")
class BenchmarkRun {

    @Test
    void runBenchmarks() throws Exception {
        new Runner(
                        new OptionsBuilder()
                                .include(System.getProperty("haven.benchmark", "org.haven.gateway"))
                                .jvmArgsAppend("-D" + Argon2Params.TEST_MINIMUM + "=false")
                                .shouldFailOnError(true)
                                .build())
                .run();
    }
}

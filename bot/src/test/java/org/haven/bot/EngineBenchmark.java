package org.haven.bot;

import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One whole intake of the default script through the dialogue engine, from the first message to the
 * hand-off: the engine's share of a gateway's CPU per step (the state's encryption, the database
 * and sealing are not in it). Answers as the gateway's warm-up does: mostly the offered options,
 * sometimes typed words with a city in them. Run by {@link EngineBenchmarkRun}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class EngineBenchmark {
    private Engine engine;
    private int conversation;

    @Setup
    public void setUp() {
        engine = new Engine(Intake.defaultIntake(), EngineSettings.defaults());
    }

    /** Returns the number of steps, so that nothing is optimised away. */
    @Benchmark
    public int wholeIntake() {
        int c = conversation++;
        Instant now = Instant.now();
        Turn turn = engine.start("sms", now);
        int steps = 0;
        while (steps < 60 && !turn.state().handedOff()) {
            turn = engine.step(turn.state(), SyntheticPerson.answer(turn.replies(), c, steps), now);
            steps++;
        }
        return steps;
    }
}

package org.haven.gateway.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.VertxOptions;
import io.vertx.core.spi.VertxMetricsFactory;
import io.vertx.core.spi.metrics.PoolMetrics;
import io.vertx.core.spi.metrics.VertxMetrics;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The database connection pool's use, as Vert.x reports it through its metrics SPI (the SQL
 * client's pool calls {@link PoolMetrics}: a request waits, gets a connection, gives it back). Only
 * pools of type {@code sql} are measured; Vert.x's other pools report nothing. Vert.x calls these
 * from its event loops: every method only counts.
 */
final class PoolMeters implements VertxMetricsFactory, VertxMetrics {
    private final MeterRegistry registry;

    PoolMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public VertxMetrics metrics(VertxOptions options) {
        return this;
    }

    @Override
    public PoolMetrics<?, ?> createPoolMetrics(String poolType, String poolName, int maxPoolSize) {
        return "sql".equals(poolType) ? new Sql(maxPoolSize) : null;
    }

    /** One SQL pool (a gateway has one): connections lent out, requests waiting, the wait. */
    private final class Sql implements PoolMetrics<Long, Boolean> {
        private final AtomicInteger inUse = new AtomicInteger();
        private final AtomicInteger waiting = new AtomicInteger();
        private final Timer wait;

        Sql(int maxSize) {
            Gauge.builder("haven.db.pool.size", () -> maxSize)
                    .description("Connections the database pool may open")
                    .register(registry);
            Gauge.builder("haven.db.pool.in.use", inUse, AtomicInteger::get)
                    .description("Database connections lent out of the pool now")
                    .register(registry);
            Gauge.builder("haven.db.pool.waiting", waiting, AtomicInteger::get)
                    .description("Requests waiting for a database connection now")
                    .register(registry);
            wait =
                    Timer.builder("haven.db.pool.wait")
                            .description("Time a request waited for a database connection")
                            .serviceLevelObjectives(HavenMetrics.BUCKETS)
                            .register(registry);
        }

        @Override
        public Long enqueue() {
            waiting.incrementAndGet();
            return System.nanoTime();
        }

        @Override
        public void dequeue(Long since) {
            waiting.decrementAndGet();
            wait.record(System.nanoTime() - since, TimeUnit.NANOSECONDS);
        }

        @Override
        public Boolean begin() {
            inUse.incrementAndGet();
            return Boolean.TRUE;
        }

        @Override
        public void end(Boolean lent) {
            inUse.decrementAndGet();
        }
    }
}

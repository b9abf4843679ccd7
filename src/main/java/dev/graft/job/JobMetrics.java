package dev.graft.job;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Queue metrics, read from the jobs table by the API process (workers serve no HTTP, so their
 * own meters could not be scraped): {@code graft.jobs.queue.depth} per status,
 * {@code graft.jobs.active.workers}, and timers {@code graft.jobs.duration} (running to finished,
 * by final status) and {@code graft.jobs.queue.wait} (created to first started).
 */
@Component
@ConditionalOnExpression("'${graft.mode:all}' != 'worker'")
class JobMetrics {

    private static final Logger log = LoggerFactory.getLogger(JobMetrics.class);

    private final JdbcClient jdbc;
    private final MeterRegistry registry;
    private final JobProperties properties;
    private final Map<String, AtomicLong> depth = new ConcurrentHashMap<>();
    private final AtomicLong activeWorkers = new AtomicLong();
    private volatile Instant finishedWatermark = Instant.now();
    private volatile Instant startedWatermark = Instant.now();
    private final ScheduledExecutorService scheduler = DaemonScheduler.create("graft-job-metrics", 1);

    JobMetrics(JdbcClient jdbc, MeterRegistry registry, JobProperties properties) {
        this.jdbc = jdbc;
        this.registry = registry;
        this.properties = properties;
        for (JobStatus status : JobStatus.values()) {
            AtomicLong value = new AtomicLong();
            depth.put(status.wireName(), value);
            Gauge.builder("graft.jobs.queue.depth", value, AtomicLong::get).tag("status", status.wireName())
                    .description("Fine-tuning jobs by status").register(registry);
        }
        Gauge.builder("graft.jobs.active.workers", activeWorkers, AtomicLong::get)
                .description("Workers holding a running job").register(registry);
    }

    @PostConstruct
    void start() {
        long every = properties.reaperInterval().toMillis();
        scheduler.scheduleWithFixedDelay(this::refreshQuietly, 0, every, TimeUnit.MILLISECONDS);
    }

    void refresh() {
        depth.values().forEach(v -> v.set(0));
        jdbc.sql("SELECT status, count(*) AS n FROM fine_tuning_jobs GROUP BY status")
                .query((rs, i) -> Map.entry(rs.getString("status"), rs.getLong("n"))).list()
                .forEach(e -> depth.computeIfAbsent(e.getKey(), k -> new AtomicLong()).set(e.getValue()));
        activeWorkers.set(jdbc.sql("SELECT count(DISTINCT claimed_by) FROM fine_tuning_jobs WHERE status = 'running'")
                .query(Long.class).single());
        Instant now = Instant.now();
        jdbc.sql("""
                SELECT status, started_at, finished_at FROM fine_tuning_jobs
                WHERE finished_at > :since AND finished_at <= :now AND started_at IS NOT NULL
                """).param("since", Timestamp.from(finishedWatermark)).param("now", Timestamp.from(now))
                .query((rs, i) -> {
                    Timer.builder("graft.jobs.duration").tag("status", rs.getString("status"))
                            .register(registry).record(between(rs.getTimestamp("started_at"), rs.getTimestamp("finished_at")));
                    return null;
                }).list();
        finishedWatermark = now;
        jdbc.sql("SELECT created_at, started_at FROM fine_tuning_jobs WHERE started_at > :since AND started_at <= :now")
                .param("since", Timestamp.from(startedWatermark)).param("now", Timestamp.from(now))
                .query((rs, i) -> {
                    Timer.builder("graft.jobs.queue.wait").register(registry)
                            .record(between(rs.getTimestamp("created_at"), rs.getTimestamp("started_at")));
                    return null;
                }).list();
        startedWatermark = now;
    }

    private static Duration between(Timestamp from, Timestamp to) {
        return Duration.between(from.toInstant(), to.toInstant());
    }

    private void refreshQuietly() {
        try {
            refresh();
        }
        catch (RuntimeException e) {
            log.debug("Job metrics refresh failed: {}", e.getMessage());
        }
    }

    @PreDestroy
    void stop() {
        scheduler.shutdownNow();
    }
}

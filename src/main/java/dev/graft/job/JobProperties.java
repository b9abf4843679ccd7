package dev.graft.job;

import java.time.Duration;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The job queue's timing ({@code graft.jobs.*}). A worker renews its lease every
 * {@code heartbeat-interval}; a job whose lease ran out ({@code lease-duration} without a
 * heartbeat) is taken back by the reaper and resumed elsewhere from its last checkpoint.
 */
@Validated
@ConfigurationProperties("graft.jobs")
public record JobProperties(
        @DefaultValue("3") @Min(1) int maxAttempts,
        @DefaultValue("60s") Duration leaseDuration,
        @DefaultValue("10s") Duration heartbeatInterval,
        @DefaultValue("5s") Duration reaperInterval,
        /* Idle workers wake on LISTEN/NOTIFY; this slow poll only covers a missed notification. */
        @DefaultValue("5s") Duration pollInterval,
        /* Off where LISTEN cannot work (a transaction-pooling PgBouncer): workers then only poll. */
        @DefaultValue("true") boolean listen,
        @DefaultValue("24h") Duration idempotencyWindow,
        /* A tenant's jobs running at once; the rest wait queued, so one tenant cannot take every worker. 0: no limit. */
        @DefaultValue("2") @Min(0) int maxRunningPerTenant,
        /* A job's wall-clock budget when its request names no max_duration. */
        @DefaultValue("24h") Duration defaultMaxDuration,
        /* The largest max_duration a request may ask for. */
        @DefaultValue("7d") Duration maxDurationLimit,
        @DefaultValue @Valid EventStreams eventStreams) {

    public JobProperties {
        if (defaultMaxDuration.toSeconds() < 1 || defaultMaxDuration.compareTo(maxDurationLimit) > 0) {
            throw new IllegalArgumentException("graft.jobs.default-max-duration must be at least 1s and at most "
                    + "graft.jobs.max-duration-limit (" + maxDurationLimit + "), not " + defaultMaxDuration);
        }
    }

    /**
     * Live job events over SSE ({@code graft.jobs.event-streams.*}), per API process.
     *
     * @param maxPerTenant      streams a tenant may hold open at once; one more gets 429 (0: no limit)
     * @param heartbeatInterval how often an idle stream gets a comment line, so proxies keep it open and
     *                          a client that went away is noticed; also the slow poll behind LISTEN/NOTIFY
     * @param maxDuration       a stream ends after this; the client reconnects with {@code Last-Event-ID}
     * @param sendTimeout       a client that has not taken a write in this long is dropped
     */
    public record EventStreams(
            @DefaultValue("10") @Min(0) int maxPerTenant,
            @DefaultValue("15s") Duration heartbeatInterval,
            @DefaultValue("1h") Duration maxDuration,
            @DefaultValue("30s") Duration sendTimeout) {
    }
}

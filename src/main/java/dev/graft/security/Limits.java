package dev.graft.security;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

import dev.graft.web.ApiProblem;
import dev.graft.web.ProblemType;

/**
 * The per-tenant and per-key limits of {@link LimitsProperties}, each refusal a problem: 403
 * {@code quota-exceeded} for stored counts (it lasts until something is deleted), 429 with
 * {@code Retry-After} for rates and uploads in flight (they pass). Rates and in-flight counts are
 * per API process.
 */
@Component
public class Limits {

    private final LimitsProperties properties;
    private final ConcurrentMap<String, AtomicInteger> uploads = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, TokenBucket> predictionBuckets = new ConcurrentHashMap<>();

    Limits(LimitsProperties properties) {
        this.properties = properties;
    }

    /** An upload slot for the tenant, released on close; 429 when all its slots are taken. */
    public UploadSlot startUpload(Caller caller) {
        int max = properties.uploadsInFlightPerTenant();
        AtomicInteger inFlight = uploads.computeIfAbsent(caller.tenantId(), t -> new AtomicInteger());
        if (inFlight.incrementAndGet() > max && max > 0) {
            inFlight.decrementAndGet();
            throw tooMany("This tenant already has " + max + " uploads in progress (graft.limits.uploads-in-flight-per-tenant); "
                    + "retry when one has finished", 1);
        }
        return inFlight::decrementAndGet;
    }

    /** Released when the upload has been stored or refused. */
    public interface UploadSlot extends AutoCloseable {
        @Override
        void close();
    }

    public void checkDatasetQuota(long stored) {
        checkQuota(stored, properties.datasetsPerTenant(), "datasets", "datasets-per-tenant", "Delete a dataset");
    }

    /** @param models the tenant's models plus its jobs that will each make one */
    public void checkModelQuota(long models) {
        checkQuota(models, properties.modelsPerTenant(), "models (counting queued and running jobs)", "models-per-tenant",
                "Delete a model");
    }

    /** One prediction request by this caller's key; 429 with the seconds until the next is allowed. */
    public void checkPredictionRate(Caller caller) {
        if (properties.predictionsPerSecond() <= 0) {
            return;
        }
        String key = caller.keyId() == null ? caller.tenantId() : caller.keyId();
        TokenBucket bucket = predictionBuckets.computeIfAbsent(key,
                k -> new TokenBucket(properties.predictionBurst(), properties.predictionsPerSecond()));
        double wait = bucket.take();
        if (wait > 0) {
            throw tooMany("This key may make " + properties.predictionsPerSecond() + " prediction requests a second "
                    + "(bursts of " + properties.predictionBurst() + "; graft.limits.predictions-per-second)",
                    (long) Math.ceil(wait));
        }
    }

    private static void checkQuota(long stored, int max, String what, String property, String remedy) {
        if (max > 0 && stored >= max) {
            throw new ApiProblem(HttpStatus.FORBIDDEN, ProblemType.QUOTA_EXCEEDED, "This tenant has " + stored + " " + what
                    + "; the limit is " + max + " (graft.limits." + property + "). " + remedy + " first");
        }
    }

    private static ApiProblem tooMany(String detail, long retryAfterSeconds) {
        ApiProblem problem = new ApiProblem(HttpStatus.TOO_MANY_REQUESTS, ProblemType.RATE_LIMITED, detail);
        problem.getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, retryAfterSeconds)));
        return problem;
    }

    /** Refills continuously at {@code rate} per second up to {@code capacity}. */
    static final class TokenBucket {
        private final double capacity;
        private final double rate;
        private double tokens;
        private long last = System.nanoTime();

        TokenBucket(double capacity, double rate) {
            this.capacity = capacity;
            this.rate = rate;
            this.tokens = capacity;
        }

        /** Takes a token: 0 if there was one, else the seconds until there will be. */
        synchronized double take() {
            long now = System.nanoTime();
            tokens = Math.min(capacity, tokens + (now - last) / 1e9 * rate);
            last = now;
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return (1 - tokens) / rate;
        }
    }
}

package dev.graft.worker;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;

import dev.graft.job.JobEventRepository;
import dev.graft.job.JobProperties;
import dev.graft.job.JobQueue;
import dev.graft.model.ModelRegistry;
import dev.graft.storage.ArtifactStore;

/**
 * Runs one claimed job to the end of this attempt: renews the lease in the background, runs the
 * executor, and records the outcome with a fenced transition. Whatever the executor does, the
 * job leaves {@code running}: succeeded, failed, cancelled, or back in the queue.
 */
final class Attempt {

    private static final Logger log = LoggerFactory.getLogger(Attempt.class);

    private final RunningJob running;
    private final JobExecutor executor;
    private final JobQueue queue;
    private final JobEventRepository events;
    private final ModelRegistry models;
    private final ArtifactStore store;
    private final TransactionTemplate transactions;
    private final JobProperties jobProperties;
    private final LeftoverArtifacts leftovers;

    Attempt(RunningJob running, JobExecutor executor, JobQueue queue, JobEventRepository events, ModelRegistry models,
            ArtifactStore store, TransactionTemplate transactions, JobProperties jobProperties) {
        this.running = running;
        this.executor = executor;
        this.queue = queue;
        this.events = events;
        this.models = models;
        this.store = store;
        this.transactions = transactions;
        this.jobProperties = jobProperties;
        this.leftovers = new LeftoverArtifacts(store, events);
    }

    void run(ScheduledExecutorService heartbeats) {
        String id = running.job().id();
        ScheduledFuture<?> heartbeat = heartbeats.scheduleAtFixedRate(this::heartbeat,
                jobProperties.heartbeatInterval().toMillis(), jobProperties.heartbeatInterval().toMillis(), TimeUnit.MILLISECONDS);
        try {
            running.event("info", "started", "Attempt " + running.job().attempts() + " of " + running.job().maxAttempts()
                    + " started on worker " + running.workerId() + " (" + running.device() + ")",
                    Map.of("attempt", running.job().attempts(), "worker", running.workerId(), "device", running.device()));
            JobOutcome outcome = executor.execute(running);
            finish(outcome);
        }
        catch (LeaseLostException e) {
            log.warn("Job {}: lease lost, another worker has it; abandoning this attempt", id);
        }
        catch (JobFailure e) {
            failed(e.code(), e.getMessage(), e.retryable(), e);
        }
        catch (Exception | Error e) {
            // Unclassified: treat as infrastructure trouble, so the job is retried up to its attempt limit
            // instead of staying running forever.
            failed("internal_error", e.getClass().getSimpleName() + ": " + e.getMessage(), true, e);
        }
        finally {
            heartbeat.cancel(false);
        }
    }

    private void heartbeat() {
        try {
            queue.heartbeat(running.job().id(), running.job().leaseToken(), jobProperties.leaseDuration()).ifPresentOrElse(
                    cancel -> {
                        if (cancel) {
                            running.markCancelRequested();
                        }
                    },
                    running::markLeaseLost);
        }
        catch (RuntimeException e) {
            // The database may be down for a moment; the lease has slack for a few missed beats.
            log.warn("Heartbeat of job {} failed: {}", running.job().id(), e.getMessage());
        }
    }

    private void finish(JobOutcome outcome) {
        String id = running.job().id();
        var token = running.job().leaseToken();
        if (outcome instanceof JobOutcome.Succeeded s) {
            boolean won = Boolean.TRUE.equals(transactions.execute(tx -> {
                if (!queue.succeed(id, token, s.model().id(), s.transferReport())) {
                    return false;
                }
                models.register(s.model());
                // Model ids are made of [A-Za-z0-9:_-] only, so they need no JSON escaping.
                events.append(id, "info", "succeeded", "Job succeeded: model " + s.model().id(),
                        "{\"model\":\"" + s.model().id() + "\"}");
                return true;
            }));
            if (won) {
                log.info("Job {} succeeded: {}", id, s.model().id());
                leftovers.sweep(id, s.artifactPrefix());
            }
            else {
                log.warn("Job {} finished training but lost its lease first; discarding its model", id);
                deleteQuietly(s.artifactPrefix());
            }
        }
        else if (outcome instanceof JobOutcome.Cancelled) {
            boolean ended = Boolean.TRUE.equals(transactions.execute(tx -> {
                if (!queue.cancelled(id, token)) {
                    return false;
                }
                events.append(id, "info", "cancelled", "Job cancelled; no model was registered", null);
                return true;
            }));
            if (ended) {
                leftovers.sweep(id, null);
            }
        }
        else {
            transactions.executeWithoutResult(tx -> {
                if (queue.release(id, token, false, "worker shutting down")) {
                    events.append(id, "info", "interrupted", "Worker " + running.workerId()
                            + " is shutting down; the job is back in the queue and resumes from its checkpoint", null);
                    queue.notifyQueued(id);
                }
            });
        }
    }

    private void failed(String code, String message, boolean retryable, Throwable cause) {
        String id = running.job().id();
        var token = running.job().leaseToken();
        log.warn("Job {} attempt {} failed ({}, {}): {}", id, running.job().attempts(), code,
                retryable ? "retryable" : "not retryable", message, cause);
        try {
            boolean ended = Boolean.TRUE.equals(transactions.execute(tx -> {
                boolean lastAttempt = running.job().attempts() >= running.job().maxAttempts();
                if (retryable && !lastAttempt) {
                    if (queue.release(id, token, true, message)) {
                        events.append(id, "warn", "retrying", "Attempt " + running.job().attempts() + " failed (" + code + "): "
                                + message + "; the job is queued again", null);
                        queue.notifyQueued(id);
                    }
                    return false;
                }
                if (!queue.fail(id, token, code, message)) {
                    return false;
                }
                events.append(id, "error", "failed", "Job failed (" + code + "): " + message, null);
                return true;
            }));
            if (ended) {
                leftovers.sweep(id, null);
            }
        }
        catch (RuntimeException e) {
            // The database is unreachable: the lease will expire and the reaper will take the job back.
            log.error("Could not record the failure of job {}; its lease will expire", id, e);
        }
    }

    private void deleteQuietly(String prefix) {
        try {
            store.deleteAll(prefix);
        }
        catch (IOException e) {
            log.warn("Could not delete {}: {}", prefix, e.getMessage());
        }
    }
}

package dev.graft.worker;

import java.io.IOException;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;

import dev.graft.job.JobEventRepository;
import dev.graft.job.JobProperties;
import dev.graft.job.JobQueue;
import dev.graft.job.JobStatus;
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
        if (running.outOfTime()) {
            // Queued again after an earlier attempt, and its budget ran out meanwhile.
            failed(JobFailure.maxDurationExceeded(running.job().maxDurationSeconds()));
            return;
        }
        ScheduledFuture<?> heartbeat = heartbeats.scheduleAtFixedRate(this::heartbeat,
                jobProperties.heartbeatInterval().toMillis(), jobProperties.heartbeatInterval().toMillis(), TimeUnit.MILLISECONDS);
        try {
            running.event("info", "started", "Attempt " + running.job().attempts() + " of " + running.job().maxAttempts()
                    + " started on worker " + running.workerId() + " (" + running.device() + ")",
                    Map.of("attempt", running.job().attempts(), "worker", running.workerId(), "device", running.device()));
            JobOutcome outcome = executor.execute(running);
            if (!(outcome instanceof JobOutcome.Succeeded) && running.stopReason() == RunningJob.StopReason.MAX_DURATION) {
                failed(JobFailure.maxDurationExceeded(running.job().maxDurationSeconds()));
            }
            else {
                finish(outcome);
            }
        }
        catch (LeaseLostException e) {
            log.warn("Job {}: lease lost, another worker has it; abandoning this attempt", id);
        }
        catch (JobFailure e) {
            failed(e);
        }
        catch (Exception | Error e) {
            // Unclassified: treat as infrastructure trouble, so the job is retried up to its attempt limit
            // instead of staying running forever.
            failed(new JobFailure("internal_error", e.getClass().getSimpleName() + ": " + e.getMessage(), true, e));
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
            JobStatus ended = transactions.execute(tx -> {
                if (queue.succeed(id, token, s.model().id(), s.transferReport())) {
                    models.register(s.model());
                    // Model ids are made of [A-Za-z0-9:_-] only, so they need no JSON escaping.
                    events.append(id, "info", "succeeded", "Job succeeded: model " + s.model().id(),
                            "{\"model\":\"" + s.model().id() + "\"}");
                    return JobStatus.SUCCEEDED;
                }
                // A cancel requested after the last step still wins: the client was told the job would end cancelled.
                return cancelledFenced(id, token) ? JobStatus.CANCELLED : null;
            });
            if (ended == JobStatus.SUCCEEDED) {
                log.info("Job {} succeeded: {}", id, s.model().id());
                leftovers.sweep(id, s.artifactPrefix());
            }
            else if (ended == JobStatus.CANCELLED) {
                log.info("Job {} finished training after its cancel was requested; cancelled, model discarded", id);
                leftovers.sweep(id, null);
            }
            else {
                log.warn("Job {} finished training but lost its lease first; discarding its model", id);
                deleteQuietly(s.artifactPrefix());
            }
        }
        else if (outcome instanceof JobOutcome.Cancelled) {
            if (Boolean.TRUE.equals(transactions.execute(tx -> cancelledFenced(id, token)))) {
                leftovers.sweep(id, null);
            }
        }
        else {
            JobStatus ended = transactions.execute(tx -> queue.release(id, token, false, "worker shutting down").map(status -> {
                if (status == JobStatus.QUEUED) {
                    events.append(id, "info", "interrupted", "Worker " + running.workerId()
                            + " is shutting down; the job is back in the queue and resumes from its checkpoint", null);
                    queue.notifyQueued(id);
                }
                else {
                    cancelledEvent(id);
                }
                return status;
            }).orElse(null));
            if (ended == JobStatus.CANCELLED) {
                leftovers.sweep(id, null);
            }
        }
    }

    private boolean cancelledFenced(String id, UUID token) {
        if (!queue.cancelled(id, token)) {
            return false;
        }
        cancelledEvent(id);
        return true;
    }

    private void cancelledEvent(String id) {
        events.append(id, "info", "cancelled", "Job cancelled; no model was registered", null);
    }

    private void failed(JobFailure failure) {
        String id = running.job().id();
        var token = running.job().leaseToken();
        String code = failure.code();
        String message = failure.getMessage();
        boolean retryable = failure.retryable();
        log.warn("Job {} attempt {} failed ({}, {}): {}", id, running.job().attempts(), code,
                retryable ? "retryable" : "not retryable", message, failure.getCause());
        try {
            JobStatus ended = transactions.execute(tx -> {
                boolean lastAttempt = running.job().attempts() >= running.job().maxAttempts();
                if (retryable && !lastAttempt) {
                    JobStatus status = queue.release(id, token, true, message).orElse(null);
                    if (status == JobStatus.QUEUED) {
                        events.append(id, "warn", "retrying", "Attempt " + running.job().attempts() + " failed (" + code + "): "
                                + message + "; the job is queued again", null);
                        queue.notifyQueued(id);
                    }
                    else if (status == JobStatus.CANCELLED) {
                        cancelledEvent(id);
                    }
                    return status;
                }
                JobStatus status = queue.fail(id, token, code, message).orElse(null);
                if (status == JobStatus.FAILED) {
                    events.append(id, "error", "failed", "Job failed (" + code + "): " + message, null);
                }
                else if (status == JobStatus.CANCELLED) {
                    cancelledEvent(id);
                }
                return status;
            });
            if (ended != null && ended.isTerminal()) {
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

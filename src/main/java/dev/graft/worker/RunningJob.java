package dev.graft.worker;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import tools.jackson.databind.json.JsonMapper;

import dev.graft.job.JobEventRepository;
import dev.graft.job.JobQueue;
import dev.graft.job.JobRow;

/**
 * One attempt at a job as the executor sees it: the job, the fenced ways to report on it, and
 * why it should stop, if it should. Every report is fenced by the lease; one that finds the
 * lease gone throws {@link LeaseLostException}, which ends the attempt. A database outage shorter
 * than the lease pauses the attempt rather than failing it.
 */
public final class RunningJob {

    private static final Logger log = LoggerFactory.getLogger(RunningJob.class);
    private static final long OUTAGE_RETRY_MILLIS = 500;

    /** Why the attempt should stop; {@code MAX_DURATION}: the job used up its wall-clock budget. */
    public enum StopReason { NONE, CANCEL, MAX_DURATION, SHUTDOWN, LEASE_LOST }

    private final JobRow job;
    private final String workerId;
    private final String device;
    private final JobQueue queue;
    private final JobEventRepository events;
    private final JsonMapper json;
    private final long cancelCheckNanos;
    private final long outageToleranceNanos;
    /**
     * When the job's max_duration runs out (null: no budget): its first start, as the database
     * stamped it, plus the budget. Compared with this host's clock; the reaper, on the database's
     * clock, is the backstop should the two disagree.
     */
    private final Instant deadline;

    private volatile boolean cancelRequested;
    private volatile boolean shutdown;
    private volatile boolean leaseLost;
    private volatile long lastCheck = System.nanoTime();

    /** @param outageToleranceNanos how long to wait out an unreachable database: the lease duration */
    RunningJob(JobRow job, String workerId, String device, JobQueue queue, JobEventRepository events, JsonMapper json,
            long cancelCheckNanos, long outageToleranceNanos) {
        this.job = job;
        this.workerId = workerId;
        this.device = device;
        this.queue = queue;
        this.events = events;
        this.json = json;
        this.cancelCheckNanos = cancelCheckNanos;
        this.outageToleranceNanos = outageToleranceNanos;
        this.cancelRequested = job.cancelRequested();
        this.deadline = job.maxDurationSeconds() == null || job.startedAt() == null ? null
                : job.startedAt().plusSeconds(job.maxDurationSeconds());
    }

    public JobRow job() {
        return job;
    }

    public String workerId() {
        return workerId;
    }

    /** {@code cpu} or {@code gpu:N}. */
    public String device() {
        return device;
    }

    /**
     * Checked before every training step. Re-reads the job's cancel flag at most every
     * {@code graft.worker.cancel-check-interval}, so a cancel takes effect at the next step after that.
     */
    public StopReason stopReason() {
        if (leaseLost) {
            return StopReason.LEASE_LOST;
        }
        if (!cancelRequested && System.nanoTime() - lastCheck > cancelCheckNanos) {
            lastCheck = System.nanoTime();
            Optional<Boolean> flag = waitingOutOutages(() -> queue.cancelRequested(job.id(), job.leaseToken()));
            if (flag.isEmpty()) {
                leaseLost = true;
                return StopReason.LEASE_LOST;
            }
            cancelRequested = flag.get();
        }
        if (cancelRequested) {
            return StopReason.CANCEL;
        }
        if (outOfTime()) {
            return StopReason.MAX_DURATION;
        }
        return shutdown ? StopReason.SHUTDOWN : StopReason.NONE;
    }

    /** Whether the job has used up its max_duration (counted from its first start, across attempts). */
    boolean outOfTime() {
        return deadline != null && Instant.now().isAfter(deadline);
    }

    public void event(String level, String type, String message, Map<String, Object> data) {
        String dataJson = data == null ? null : json.writeValueAsString(data);
        if (!waitingOutOutages(() -> events.appendFenced(job.id(), job.leaseToken(), level, type, message, dataJson))) {
            throw lost();
        }
    }

    public void progress(int epoch, int epochs, long step, long steps, Map<String, Object> metrics) {
        String progress = json.writeValueAsString(Map.of("epoch", epoch, "epochs", epochs, "step", step, "steps", steps));
        String metricsJson = metrics == null ? null : json.writeValueAsString(metrics);
        if (!waitingOutOutages(() -> queue.updateProgress(job.id(), job.leaseToken(), progress, metricsJson))) {
            throw lost();
        }
    }

    /** Records the search's state (its checkpoint) and, once chosen, the strategy and hyperparameters (else null). */
    public void recordSearch(String searchJson, String strategy, String hyperparametersJson) {
        if (!waitingOutOutages(() -> queue.recordSearch(job.id(), job.leaseToken(), searchJson, strategy, hyperparametersJson))) {
            throw lost();
        }
    }

    /** Records a checkpoint already written under {@code artifact} in the artifact store. */
    public void checkpoint(int epoch, long step, Map<String, Object> metrics, String artifact) {
        String metricsJson = metrics == null ? null : json.writeValueAsString(metrics);
        if (!waitingOutOutages(() -> events.addCheckpoint(job.id(), job.leaseToken(), epoch, step, metricsJson, artifact))) {
            throw lost();
        }
    }

    /** Where a resumed attempt continues from: the artifact key of the newest checkpoint. */
    public Optional<JobEventRepository.CheckpointRow> latestCheckpoint() {
        return waitingOutOutages(() -> events.latestCheckpoint(job.id()));
    }

    /**
     * Runs one of the attempt's database calls, trying again while the database is unreachable, for
     * up to the lease duration. A PostgreSQL restart or failover then only pauses training: failing
     * the attempt instead would use up one of the job's attempts, and the job would sit until its
     * lease ran out before anyone resumed it. Past the lease the reaper may have given the job to
     * another worker, so the error ends the attempt; the fenced writes keep either outcome safe.
     */
    private <T> T waitingOutOutages(Supplier<T> call) {
        long giveUp = System.nanoTime() + outageToleranceNanos;
        DataAccessException first = null;
        while (true) {
            try {
                T result = call.get();
                if (first != null) {
                    log.info("Job {}: database reachable again; the attempt goes on", job.id());
                }
                return result;
            }
            catch (DataAccessResourceFailureException | TransientDataAccessException e) {
                if (System.nanoTime() - giveUp > 0) {
                    throw e;
                }
                if (first == null) {
                    first = e;
                    log.warn("Job {}: database unreachable ({}); waiting for it", job.id(), e.getMessage());
                }
                try {
                    TimeUnit.MILLISECONDS.sleep(OUTAGE_RETRY_MILLIS);
                }
                catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    void markLeaseLost() {
        leaseLost = true;
    }

    void markCancelRequested() {
        cancelRequested = true;
    }

    void markShutdown() {
        shutdown = true;
    }

    private LeaseLostException lost() {
        leaseLost = true;
        return new LeaseLostException(job.id());
    }
}

package dev.graft.worker;

import java.util.Map;
import java.util.Optional;

import tools.jackson.databind.json.JsonMapper;

import dev.graft.job.JobEventRepository;
import dev.graft.job.JobQueue;
import dev.graft.job.JobRow;

/**
 * One attempt at a job as the executor sees it: the job, the fenced ways to report on it, and
 * why it should stop, if it should. Every report is fenced by the lease; one that finds the
 * lease gone throws {@link LeaseLostException}, which ends the attempt.
 */
public final class RunningJob {

    /** Why the attempt should stop. */
    public enum StopReason { NONE, CANCEL, SHUTDOWN, LEASE_LOST }

    private final JobRow job;
    private final String workerId;
    private final String device;
    private final JobQueue queue;
    private final JobEventRepository events;
    private final JsonMapper json;
    private final long cancelCheckNanos;

    private volatile boolean cancelRequested;
    private volatile boolean shutdown;
    private volatile boolean leaseLost;
    private volatile long lastCheck = System.nanoTime();

    RunningJob(JobRow job, String workerId, String device, JobQueue queue, JobEventRepository events, JsonMapper json,
            long cancelCheckNanos) {
        this.job = job;
        this.workerId = workerId;
        this.device = device;
        this.queue = queue;
        this.events = events;
        this.json = json;
        this.cancelCheckNanos = cancelCheckNanos;
        this.cancelRequested = job.cancelRequested();
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
            Optional<Boolean> flag = queue.cancelRequested(job.id(), job.leaseToken());
            if (flag.isEmpty()) {
                leaseLost = true;
                return StopReason.LEASE_LOST;
            }
            cancelRequested = flag.get();
        }
        if (cancelRequested) {
            return StopReason.CANCEL;
        }
        return shutdown ? StopReason.SHUTDOWN : StopReason.NONE;
    }

    public void event(String level, String type, String message, Map<String, Object> data) {
        if (!events.appendFenced(job.id(), job.leaseToken(), level, type, message, data == null ? null : json.writeValueAsString(data))) {
            throw lost();
        }
    }

    public void progress(int epoch, int epochs, long step, long steps, Map<String, Object> metrics) {
        String progress = json.writeValueAsString(Map.of("epoch", epoch, "epochs", epochs, "step", step, "steps", steps));
        if (!queue.updateProgress(job.id(), job.leaseToken(), progress, metrics == null ? null : json.writeValueAsString(metrics))) {
            throw lost();
        }
    }

    /** Records a checkpoint already written under {@code artifact} in the artifact store. */
    public void checkpoint(int epoch, long step, Map<String, Object> metrics, String artifact) {
        if (!events.addCheckpoint(job.id(), job.leaseToken(), epoch, step, metrics == null ? null : json.writeValueAsString(metrics), artifact)) {
            throw lost();
        }
    }

    /** Where a resumed attempt continues from: the artifact key of the newest checkpoint. */
    public Optional<JobEventRepository.CheckpointRow> latestCheckpoint() {
        return events.latestCheckpoint(job.id());
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

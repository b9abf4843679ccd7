package dev.graft.worker;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import dev.graft.job.DaemonScheduler;
import dev.graft.job.JobEventRepository;
import dev.graft.job.JobProperties;
import dev.graft.job.JobQueue;
import dev.graft.job.JobStatus;

/**
 * Takes back jobs whose worker stopped renewing its lease (killed, hung, cut off from the
 * database), and fails jobs past their {@code max_duration} that their worker did not stop. Runs in
 * every process; concurrent reapers are safe because the reaping statements skip rows another one
 * has locked.
 */
@Component
class LeaseReaper {

    private static final Logger log = LoggerFactory.getLogger(LeaseReaper.class);

    private final JobQueue queue;
    private final JobEventRepository events;
    private final JobProperties properties;
    private final ScheduledExecutorService scheduler = DaemonScheduler.create("graft-lease-reaper", 1);

    LeaseReaper(JobQueue queue, JobEventRepository events, JobProperties properties) {
        this.queue = queue;
        this.events = events;
        this.properties = properties;
    }

    @PostConstruct
    void start() {
        long every = properties.reaperInterval().toMillis();
        scheduler.scheduleWithFixedDelay(this::reapQuietly, every, every, TimeUnit.MILLISECONDS);
    }

    /** One pass; returns what it took back. */
    List<JobQueue.Reaped> reap() {
        List<JobQueue.Reaped> reaped = new ArrayList<>(queue.reapExpiredLeases());
        for (JobQueue.Reaped job : reaped) {
            if (job.status() == JobStatus.QUEUED) {
                log.warn("Job {}: worker {} stopped renewing its lease; queued again after attempt {}", job.id(), job.lostWorker(), job.attempts());
                events.append(job.id(), "warn", "worker_lost", "Worker " + job.lostWorker() + " stopped responding during attempt "
                        + job.attempts() + "; the job is queued again and resumes from its latest checkpoint", null);
                queue.notifyQueued(job.id());
            }
            else if (job.status() == JobStatus.CANCELLED) {
                log.warn("Job {}: worker {} stopped renewing its lease after a cancel was requested; job cancelled", job.id(), job.lostWorker());
                events.append(job.id(), "info", "cancelled", "Job cancelled; no model was registered", null);
            }
            else {
                log.error("Job {}: worker {} lost on the last attempt ({}); job failed", job.id(), job.lostWorker(), job.attempts());
                events.append(job.id(), "error", "failed", "Worker " + job.lostWorker() + " stopped responding on attempt "
                        + job.attempts() + ", the last one allowed; the job failed", null);
            }
        }
        // The worker stops a job at its first step past max_duration; a lease's length later, this does.
        for (JobQueue.Reaped job : queue.failOverBudget(properties.leaseDuration())) {
            reaped.add(job);
            if (job.status() == JobStatus.CANCELLED) {
                events.append(job.id(), "info", "cancelled", "Job cancelled; no model was registered", null);
                continue;
            }
            log.warn("Job {}: {} (worker {})", job.id(), job.errorMessage(), job.lostWorker());
            events.append(job.id(), "error", "failed", "Job failed (max_duration_exceeded): " + job.errorMessage(), null);
        }
        return reaped;
    }

    private void reapQuietly() {
        try {
            reap();
        }
        catch (RuntimeException e) {
            log.warn("Lease reaper pass failed: {}", e.getMessage());
        }
    }

    @PreDestroy
    void stop() {
        scheduler.shutdownNow();
    }
}

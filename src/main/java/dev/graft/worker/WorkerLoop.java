package dev.graft.worker;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

import dev.graft.job.DaemonScheduler;
import dev.graft.job.JobEventRepository;
import dev.graft.job.JobProperties;
import dev.graft.job.JobQueue;
import dev.graft.job.JobRow;
import dev.graft.job.NotificationListener;
import dev.graft.model.ModelRegistry;
import dev.graft.storage.ArtifactStore;

/**
 * The worker process's main loop: claim a job, run it, repeat; sleep on LISTEN/NOTIFY when the
 * queue is empty. One job at a time, because one JVM can run only one DJL PyTorch training at a
 * time. Stopping (SIGTERM, context close) is graceful: no new claims, the running job stops after
 * its current step, writes a checkpoint and goes back to the queue for another worker.
 */
@Component
@ConditionalOnProperty(name = "graft.mode", havingValue = "worker")
class WorkerLoop implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(WorkerLoop.class);

    private final JobQueue queue;
    private final JobEventRepository events;
    private final ModelRegistry models;
    private final ArtifactStore store;
    private final TransactionTemplate transactions;
    private final JobProperties jobProperties;
    private final WorkerProperties properties;
    private final JobExecutor executor;
    private final JsonMapper json;
    private final NotificationListener listener;
    private final String workerId;
    private final Long parentPid;
    private final ScheduledExecutorService heartbeats = DaemonScheduler.create("graft-heartbeat", 1);

    private volatile boolean running;
    private volatile RunningJob current;
    private Thread thread;

    WorkerLoop(JobQueue queue, JobEventRepository events, ModelRegistry models, ArtifactStore store,
            TransactionTemplate transactions, JobProperties jobProperties, WorkerProperties properties, JobExecutor executor,
            JsonMapper json, DataSource dataSource, @Value("${graft.worker.parent-pid:#{null}}") Long parentPid) {
        this.queue = queue;
        this.events = events;
        this.models = models;
        this.store = store;
        this.transactions = transactions;
        this.jobProperties = jobProperties;
        this.properties = properties;
        this.executor = executor;
        this.json = json;
        this.listener = jobProperties.listen() ? new NotificationListener(dataSource, JobQueue.NEW_JOB_CHANNEL) : null;
        this.workerId = properties.id() != null && !properties.id().isBlank() ? properties.id() : defaultId(properties.device());
        this.parentPid = parentPid;
    }

    @Override
    public void start() {
        running = true;
        thread = new Thread(this::loop, "graft-worker");
        thread.start();
        if (parentPid != null) {
            // A child of an `all`-mode process stops with its parent, even one killed with SIGKILL.
            ProcessHandle.of(parentPid).ifPresentOrElse(
                    parent -> parent.onExit().thenRun(() -> {
                        log.warn("Parent process {} is gone; worker {} shuts down", parentPid, workerId);
                        System.exit(0);
                    }),
                    () -> System.exit(0));
        }
        log.info("Worker {} started on {}", workerId, properties.device());
    }

    private void loop() {
        while (running) {
            try {
                Optional<JobRow> claimed = queue.claim(workerId, jobProperties.leaseDuration());
                if (claimed.isEmpty()) {
                    if (listener != null) {
                        listener.await(jobProperties.pollInterval());
                    }
                    else {
                        Thread.sleep(jobProperties.pollInterval().toMillis());
                    }
                    continue;
                }
                RunningJob job = new RunningJob(claimed.get(), workerId, properties.device(), queue, events, json,
                        properties.cancelCheckInterval().toNanos(), jobProperties.leaseDuration().toNanos());
                current = job;
                if (!running) {
                    job.markShutdown();
                }
                log.info("Worker {} claimed job {} (attempt {})", workerId, job.job().id(), job.job().attempts());
                new Attempt(job, executor, queue, events, models, store, transactions, jobProperties).run(heartbeats);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            catch (RuntimeException e) {
                // The database is unreachable or the claim failed: back off and try again.
                log.warn("Worker {} could not claim: {}", workerId, e.getMessage());
                sleep(jobProperties.pollInterval().toMillis());
            }
            finally {
                current = null;
            }
        }
    }

    @Override
    public void stop() {
        running = false;
        RunningJob job = current;
        if (job != null) {
            log.info("Worker {} stopping: job {} will checkpoint and go back to the queue", workerId, job.job().id());
            job.markShutdown();
        }
        try {
            thread.join(properties.stopTimeout().toMillis());
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        heartbeats.shutdownNow();
        if (listener != null) {
            listener.close();
        }
        log.info("Worker {} stopped", workerId);
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private static void sleep(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String defaultId(String device) {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        }
        catch (Exception e) {
            host = "localhost";
        }
        return host + "-" + ManagementFactory.getRuntimeMXBean().getPid() + "-" + device.replace(":", "");
    }
}

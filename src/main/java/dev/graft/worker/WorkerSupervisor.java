package dev.graft.worker;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import dev.graft.GraftApplication;
import dev.graft.job.DaemonScheduler;
import dev.graft.storage.StorageProperties;
import dev.graft.training.ChildJvm;

/**
 * In {@code all} mode, runs the worker pool as child processes of this one: one per visible GPU,
 * each pinned to its device, or one on the CPU. Workers are processes, not threads, because one
 * JVM can run only one DJL PyTorch training at a time and a native crash in libtorch must not
 * take the API down. A worker that dies is restarted with exponential backoff; all stop with
 * this process (SIGTERM first, so each checkpoints and releases its job).
 */
@Component
@ConditionalOnProperty(name = "graft.mode", havingValue = "all", matchIfMissing = true)
class WorkerSupervisor implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(WorkerSupervisor.class);
    /** Settings this process gives each child explicitly; the parent's own values for them are not passed on. */
    private static final Set<String> OVERRIDDEN = Set.of("graft.mode", "graft.worker.device", "graft.worker.id",
            "graft.worker.parent-pid", "spring.datasource.url", "graft.database.url", "graft.storage.root", "server.port");

    private final WorkerProperties properties;
    private final DataSource dataSource;
    private final StorageProperties storage;
    private final ApplicationArguments arguments;
    private final List<Child> children = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService restarts = DaemonScheduler.create("graft-worker-supervisor", 1);
    private volatile boolean running;

    WorkerSupervisor(WorkerProperties properties, DataSource dataSource, StorageProperties storage, ApplicationArguments arguments) {
        this.properties = properties;
        this.dataSource = dataSource;
        this.storage = storage;
        this.arguments = arguments;
    }

    @Override
    public void start() {
        running = true;
        List<String> devices = devices();
        log.info("Starting {} worker process(es): {}", devices.size(), devices);
        for (int i = 0; i < devices.size(); i++) {
            Child child = new Child(i, devices.get(i));
            children.add(child);
            launch(child);
        }
    }

    /** The devices to run workers on: configured count, else one per GPU, else one CPU worker. */
    private List<String> devices() {
        int gpus = visibleGpus();
        int count = properties.processes() != null ? properties.processes() : Math.max(1, gpus);
        List<String> devices = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            devices.add(gpus > 0 ? "gpu:" + (i % gpus) : "cpu");
        }
        return devices;
    }

    /** GPUs as nvidia-smi lists them; 0 without an NVIDIA driver. Avoids loading libtorch into the API process. */
    static int visibleGpus() {
        try {
            Process p = new ProcessBuilder("nvidia-smi", "-L").redirectErrorStream(true).start();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                long n = out.lines().filter(l -> l.startsWith("GPU ")).count();
                return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 ? (int) n : 0;
            }
        }
        catch (IOException e) {
            return 0;
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    private void launch(Child child) {
        if (!running) {
            return;
        }
        try {
            ProcessBuilder builder = new ProcessBuilder(command(child)).inheritIO();
            // glibc keeps what libtorch frees: in per-thread 64 MB arenas, and (its mmap threshold
            // rising with every large free) in the arenas instead of unmapped. A worker training on
            // photos held a gigabyte more than it used (bench/photos.sh). Two arenas and a fixed
            // threshold give large tensors back when freed; an operator's own settings win.
            builder.environment().putIfAbsent("MALLOC_ARENA_MAX", "2");
            builder.environment().putIfAbsent("MALLOC_MMAP_THRESHOLD_", "131072");
            HikariDataSource hikari = (HikariDataSource) dataSource;
            if (hikari.getUsername() != null) {
                builder.environment().put("SPRING_DATASOURCE_USERNAME", hikari.getUsername());
            }
            if (hikari.getPassword() != null) {
                // Through the environment, not the command line, where any user could read it.
                builder.environment().put("SPRING_DATASOURCE_PASSWORD", hikari.getPassword());
            }
            child.process = builder.start();
            child.startedAt = System.nanoTime();
            log.info("Worker {} started as process {} on {}", child.index, child.process.pid(), child.device);
            child.process.onExit().thenAccept(p -> exited(child, p.exitValue()));
        }
        catch (IOException e) {
            log.error("Could not start worker {}: {}", child.index, e.getMessage());
            scheduleRestart(child);
        }
    }

    private List<String> command(Child child) {
        List<String> command = new ArrayList<>(ChildJvm.command(properties.jvmOptions(), GraftApplication.class.getName()));
        Arrays.stream(arguments.getSourceArgs()).filter(a -> !isOverridden(a)).forEach(command::add);
        command.add("--graft.mode=worker");
        command.add("--graft.worker.device=" + child.device);
        command.add("--graft.worker.id=" + ProcessHandle.current().pid() + "-w" + child.index);
        command.add("--graft.worker.parent-pid=" + ProcessHandle.current().pid());
        command.add("--spring.datasource.url=" + ((HikariDataSource) dataSource).getJdbcUrl());
        command.add("--graft.storage.root=" + storage.root().toAbsolutePath().normalize());
        return command;
    }

    private static boolean isOverridden(String arg) {
        if (!arg.startsWith("--")) {
            return false;
        }
        String name = arg.substring(2).split("=", 2)[0];
        return OVERRIDDEN.contains(name);
    }

    private void exited(Child child, int code) {
        if (!running) {
            return;
        }
        log.error("Worker {} (process {}) exited with code {}", child.index, child.process.pid(), code);
        scheduleRestart(child);
    }

    private void scheduleRestart(Child child) {
        if (!running) {
            return;
        }
        // A worker that ran a while had a healthy start: begin the backoff again.
        if (System.nanoTime() - child.startedAt > Duration.ofMinutes(1).toNanos()) {
            child.backoff = properties.restartBackoffMin();
        }
        Duration delay = child.backoff;
        child.backoff = min(child.backoff.multipliedBy(2), properties.restartBackoffMax());
        log.info("Restarting worker {} in {} ms", child.index, delay.toMillis());
        restarts.schedule(() -> launch(child), delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        running = false;
        restarts.shutdownNow();
        for (Child child : children) {
            if (child.process != null && child.process.isAlive()) {
                child.process.destroy(); // SIGTERM: the worker checkpoints and releases its job
            }
        }
        long deadline = System.nanoTime() + properties.stopTimeout().toNanos();
        for (Child child : children) {
            if (child.process == null) {
                continue;
            }
            try {
                long left = Math.max(0, deadline - System.nanoTime());
                if (!child.process.waitFor(left, TimeUnit.NANOSECONDS)) {
                    log.warn("Worker {} did not stop in time; killing it", child.index);
                    child.process.destroyForcibly();
                }
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                child.process.destroyForcibly();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Live child workers, for metrics. */
    int aliveWorkers() {
        return (int) children.stream().filter(c -> c.process != null && c.process.isAlive()).count();
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private final class Child {
        final int index;
        final String device;
        volatile Process process;
        volatile long startedAt;
        volatile Duration backoff = properties.restartBackoffMin();

        Child(int index, String device) {
            this.index = index;
            this.device = device;
        }
    }
}

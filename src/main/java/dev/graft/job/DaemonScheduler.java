package dev.graft.job;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The schedulers of Graft's background loops (event streams, reaper, metrics, heartbeats, worker
 * restarts): daemon threads with a recognisable name, so none of them can keep a stopping JVM
 * alive and each shows up by name in a thread dump.
 */
public final class DaemonScheduler {

    private DaemonScheduler() {
    }

    public static ScheduledExecutorService create(String threadName, int threads) {
        return Executors.newScheduledThreadPool(threads, task -> {
            Thread thread = new Thread(task, threadName);
            thread.setDaemon(true);
            return thread;
        });
    }
}

package dev.graft.job;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;

/**
 * The schedulers and pools of Graft's background loops (event streams, reaper, metrics, heartbeats,
 * worker restarts): daemon threads with a recognisable name, so none of them can keep a stopping JVM
 * alive and each shows up by name in a thread dump.
 */
public final class DaemonScheduler {

    private DaemonScheduler() {
    }

    public static ScheduledExecutorService create(String threadName, int threads) {
        return Executors.newScheduledThreadPool(threads, daemons(threadName));
    }

    /** A pool that grows with its tasks and lets idle threads go: for work that may block on a client. */
    public static ExecutorService createCached(String threadName) {
        return Executors.newCachedThreadPool(daemons(threadName));
    }

    private static ThreadFactory daemons(String threadName) {
        return task -> {
            Thread thread = new Thread(task, threadName);
            thread.setDaemon(true);
            return thread;
        };
    }
}

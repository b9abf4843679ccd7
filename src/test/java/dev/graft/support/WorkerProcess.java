package dev.graft.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real worker process (`--graft.mode=worker`) on the test's classpath, sharing the test's
 * database and artifact store. Its output goes to a log file under target/ for post-mortems.
 */
public final class WorkerProcess implements AutoCloseable {

    private final Process process;
    private final Path log;

    private WorkerProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    public static WorkerProcess start(String name, Path storageRoot, String... extraArgs) {
        return start(name, storageRoot, TestDatabase.connection(), extraArgs);
    }

    /** A worker on a database of the test's own (a server the test stops and starts). */
    public static WorkerProcess start(String name, Path storageRoot, TestDatabase.Connection db, String... extraArgs) {
        return launch(name, command(name, storageRoot, db, extraArgs));
    }

    /**
     * A worker that cannot grow any file past {@code maxFileKib} KiB (bash's {@code ulimit -f}, the
     * kernel's RLIMIT_FSIZE): a full disk as the worker sees it, since a write past the limit fails
     * with "File too large" after the bytes that fitted. The JVM ignores the SIGXFSZ that comes
     * with it, so the write surfaces as an IOException. As that limit holds for every file, the
     * worker's log stops growing there too.
     */
    public static WorkerProcess startWithFileSizeLimit(String name, Path storageRoot, int maxFileKib, String... extraArgs) {
        List<String> command = new ArrayList<>(List.of("bash", "-c", "ulimit -f " + maxFileKib + " && exec \"$@\"", "bash"));
        command.addAll(command(name, storageRoot, TestDatabase.connection(), extraArgs));
        return launch(name, command);
    }

    private static List<String> command(String name, Path storageRoot, TestDatabase.Connection db, String... extraArgs) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g",
                "-cp", System.getProperty("java.class.path"),
                "dev.graft.GraftApplication",
                "--graft.mode=worker",
                "--graft.worker.id=" + name,
                "--spring.datasource.url=" + db.url(),
                "--graft.storage.root=" + storageRoot.toAbsolutePath(),
                "--graft.training.threads=1"));
        if (db.username() != null) {
            command.add("--spring.datasource.username=" + db.username());
            command.add("--spring.datasource.password=" + db.password());
        }
        command.addAll(List.of(extraArgs));
        return command;
    }

    private static WorkerProcess launch(String name, List<String> command) {
        try {
            Path logs = Files.createDirectories(Path.of("target", "worker-logs"));
            Path log = logs.resolve(name + "-" + System.nanoTime() + ".log");
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            return new WorkerProcess(process, log);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL: no shutdown hook, no checkpoint, no release; only the lease can tell. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM: the graceful path. */
    public boolean terminate(long seconds) throws InterruptedException {
        process.destroy();
        return process.waitFor(seconds, TimeUnit.SECONDS);
    }

    public String log() {
        try {
            return Files.readString(log);
        }
        catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }
}

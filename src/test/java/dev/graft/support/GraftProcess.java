package dev.graft.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Graft as a user starts it: a separate JVM on the test's classpath in the default {@code all} mode,
 * with no database configured, so it runs its embedded PostgreSQL in {@code dataDirectory}. Its
 * output goes to a log file under target/ for post-mortems.
 */
public final class GraftProcess implements AutoCloseable {

    private final Process process;
    private final Path log;
    private final int port;

    private GraftProcess(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /** Starts it and waits until its API answers. */
    public static GraftProcess start(Path dataDirectory, String... extraArgs) throws IOException {
        int port = freePort();
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                "-cp", System.getProperty("java.class.path"),
                "dev.graft.GraftApplication",
                "--server.port=" + port,
                "--spring.datasource.url=",
                "--graft.database.url=",
                "--graft.database.embedded.data-directory=" + dataDirectory.resolve("postgres").toAbsolutePath(),
                "--graft.storage.root=" + dataDirectory.resolve("artifacts").toAbsolutePath(),
                "--graft.training.threads=1"));
        command.addAll(List.of(extraArgs));
        Path logs = Files.createDirectories(Path.of("target", "graft-process-logs"));
        Path log = logs.resolve("graft-" + System.nanoTime() + ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        // The test JVM's own database settings must not reach it: it is to start its embedded server.
        builder.environment().keySet().removeIf(name -> name.startsWith("SPRING_DATASOURCE_URL")
                || name.startsWith("GRAFT_DATABASE") || name.equals(TestDatabase.URL_VARIABLE));
        GraftProcess graft = new GraftProcess(builder.start(), log, port);
        ApiClient api = ApiClient.on(port).outsideContract();
        Await.until("Graft to answer on port " + port + " (log: " + log + ")", Duration.ofSeconds(180), () -> {
            if (!graft.process.isAlive()) {
                throw new AssertionError("Graft exited with " + graft.process.exitValue() + ":\n" + graft.log());
            }
            try {
                return api.get("/actuator/health").status();
            }
            catch (RuntimeException e) {
                return -1;
            }
        }, status -> status == 200);
        return graft;
    }

    public int port() {
        return port;
    }

    public ApiClient api() {
        return ApiClient.on(port);
    }

    /** SIGTERM, as {@code kill} or a container runtime sends it; true if it exited within {@code timeout}. */
    public boolean terminate(Duration timeout) throws InterruptedException {
        process.destroy();
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
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
            process.destroy();
            if (!process.waitFor(90, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package dev.graft.inference;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.graft.training.ChildJvm;
import dev.graft.training.ChildOutput;
import dev.graft.training.EncodedBatch;

/**
 * One running isolated model process ({@link IsolatedInferenceProcess}) and the socket to it.
 * Every wait on the process has a deadline; past it the process is killed, which also unblocks
 * the wait. A process that was killed or died is never used again: {@link IsolatedModel} starts
 * a new one.
 */
final class ModelProcess {

    private static final Logger log = LoggerFactory.getLogger(ModelProcess.class);

    /** What the process needs to start: all of it goes on its command line, none of it is secret. */
    record Launch(String modelId, Path artifact, int labels, List<String> jvmOptions, Path dataDirectory, int threads,
            Duration startTimeout, ScheduledExecutorService watchdog) {
    }

    private final String modelId;
    private final Process process;
    private final ChildOutput output;
    private final ScheduledExecutorService watchdog;
    private volatile SocketChannel channel;
    private volatile String ended;

    private ModelProcess(String modelId, Process process, ScheduledExecutorService watchdog) {
        this.modelId = modelId;
        this.process = process;
        this.watchdog = watchdog;
        this.output = ChildOutput.follow(process, "model-process-" + process.pid(),
                line -> log.debug("[model process {}] {}", modelId, line));
        process.onExit().thenRun(this::exited);
    }

    /**
     * Starts a process for the model and waits until it has loaded it.
     *
     * @throws IOException with a message fit for a log (never for a client) when it does not come up
     */
    static ModelProcess start(Launch launch) throws IOException {
        // The socket lives in a fresh directory only this user can enter (createTempDirectory makes
        // it rwx------), and is removed as soon as the child has connected.
        Path directory = Files.createTempDirectory("graft-model-");
        Path socket = directory.resolve("s");
        ModelProcess started = null;
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            List<String> options = new ArrayList<>(launch.jvmOptions());
            options.add("-Dgraft.data-directory=" + launch.dataDirectory().toAbsolutePath());
            Process process = ChildJvm.isolated(options, IsolatedInferenceProcess.class.getName(),
                    List.of(socket.toString(), launch.artifact().toAbsolutePath().toString(), Integer.toString(launch.threads())))
                    .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .start();
            long deadline = System.nanoTime() + launch.startTimeout().toNanos();
            started = new ModelProcess(launch.modelId(), process, launch.watchdog());
            started.channel = started.accept(server, launch.startTimeout());
            Files.delete(socket);
            ModelProcess running = started;
            running.withDeadline(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())),
                    "did not load the model within " + launch.startTimeout().toSeconds() + " s",
                    () -> ModelChannel.probabilities(running.receive(ModelChannel.maxAnswer(0, 0)), 0, launch.labels()));
            log.info("Model {} is served by isolated process {}", launch.modelId(), process.pid());
            return started;
        }
        catch (ModelChannel.ModelFailure e) {
            log.warn("Model {} did not load in its process: {}", launch.modelId(), e.getMessage());
            started.kill("did not load the model");
            throw new IOException(started.failure());
        }
        catch (IOException | RuntimeException e) {
            if (started == null) {
                log.warn("Could not start a process for model {}", launch.modelId(), e);
                throw new IOException("could not be started", e);
            }
            started.fail(e);
            throw new IOException(started.failure(), e);
        }
        finally {
            Files.deleteIfExists(socket);
            Files.deleteIfExists(directory);
        }
    }

    private SocketChannel accept(ServerSocketChannel server, Duration timeout) throws IOException {
        server.configureBlocking(false);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            SocketChannel accepted = server.accept();
            if (accepted != null) {
                accepted.configureBlocking(true);
                return accepted;
            }
            if (!process.isAlive()) {
                throw new IOException("exited with code " + process.exitValue() + " before it connected");
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("did not connect within " + timeout.toSeconds() + " s");
            }
            try {
                Thread.sleep(20);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while it started");
            }
        }
    }

    /**
     * Runs one batch. The caller sends one batch at a time.
     *
     * @throws IOException when the process died, was killed at the deadline or answered nonsense;
     *                     it is killed and {@link #failure()} says why
     * @throws ModelChannel.ModelFailure when the model failed on this batch (the process lives on)
     */
    List<float[]> predict(EncodedBatch batch, int labels, Duration timeout) throws IOException {
        try {
            return withDeadline(timeout, "did not answer a batch within " + timeout.toSeconds() + " s", () -> {
                ModelChannel.write(channel, ModelChannel.request(batch));
                return ModelChannel.probabilities(receive(ModelChannel.maxAnswer(batch.size(), labels)), batch.size(), labels);
            });
        }
        catch (IOException e) {
            fail(e);
            throw new IOException(failure(), e);
        }
    }

    boolean isAlive() {
        return ended == null && process.isAlive();
    }

    /** Why this process is no longer usable, in words for a log or a problem detail. */
    String failure() {
        return ended != null ? ended : "exited with code " + process.exitValue();
    }

    /**
     * Kills the process after a failed exchange, recording why in words of ours: socket errors
     * ("Broken pipe") only go to the log.
     */
    private void fail(Exception e) {
        if (ended == null) {
            log.debug("Exchange with model process {} failed", process.pid(), e);
            boolean exited;
            try {
                // A process that died by itself closes the socket a moment before its exit is seen.
                exited = process.waitFor(2, TimeUnit.SECONDS);
            }
            catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                exited = false;
            }
            if (exited) {
                exited();
            }
            else {
                kill("broke off the connection");
            }
        }
        kill(null);
    }

    /** Stops the process at once; waits on it fail. */
    synchronized void kill(String reason) {
        if (ended == null) {
            ended = reason == null ? "failed" : reason;
        }
        try {
            if (channel != null) {
                channel.close();
            }
        }
        catch (IOException e) {
            log.debug("Closing the channel to model process {}", process.pid(), e);
        }
        process.destroyForcibly();
    }

    /** Stops a process no longer needed (eviction, delete, shutdown). */
    void stop() {
        kill("stopped");
    }

    private ByteBuffer receive(int maxBytes) throws IOException {
        ByteBuffer frame = ModelChannel.read(channel, maxBytes);
        if (frame == null) {
            throw new IOException("closed the connection");
        }
        return frame;
    }

    private interface Exchange<T> {
        T run() throws IOException;
    }

    private <T> T withDeadline(Duration timeout, String reason, Exchange<T> exchange) throws IOException {
        ScheduledFuture<?> alarm = watchdog.schedule(() -> kill(reason), timeout.toMillis(), TimeUnit.MILLISECONDS);
        try {
            return exchange.run();
        }
        catch (IOException e) {
            // Killed at the deadline: the closed channel is only the symptom.
            throw ended != null ? new IOException(ended, e) : e;
        }
        finally {
            alarm.cancel(false);
        }
    }

    private synchronized void exited() {
        if (ended == null) {
            ended = "exited with code " + process.exitValue();
            log.warn("Model process {} of model {} {}; its last output:\n{}", process.pid(), modelId, ended,
                    String.join("\n", output.tail()));
        }
    }
}

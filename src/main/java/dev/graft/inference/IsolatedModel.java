package dev.graft.inference;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.graft.training.BatchEncoder;
import dev.graft.training.Input;
import dev.graft.training.ModelDescriptor;

/**
 * A model whose artifact holds TorchScript, which is code its uploader wrote: it runs in a child
 * JVM of its own ({@link ModelProcess}), never in the API process. Inputs are preprocessed here
 * (plain Java, as in training) and only tensors cross to the child.
 *
 * <p>A child that crashes, or is killed because a batch took longer than the request timeout, is
 * replaced on demand: the next request starts a new one in the background and, like every
 * request until it is up, gets {@link Unavailable} (503 with Retry-After). A model that keeps
 * failing is restarted less and less often, up to the configured backoff.
 */
final class IsolatedModel implements ModelBackend {

    private static final Logger log = LoggerFactory.getLogger(IsolatedModel.class);

    /** The model's process cannot answer now; a client should retry after {@link #retryAfter()}. */
    static final class Unavailable extends RuntimeException {

        private final Duration retryAfter;

        Unavailable(String message, Duration retryAfter) {
            super(message, null, false, false);
            this.retryAfter = retryAfter;
        }

        Duration retryAfter() {
            return retryAfter;
        }
    }

    private final ModelProcess.Launch launch;
    private final BatchEncoder encoder;
    private final Duration requestTimeout;
    private final Duration retryAfter;
    private final Duration maxBackoff;
    // One batch at a time goes to the child, which runs them one by one anyway; batching happens before.
    private final Object exchange = new Object();

    private ModelProcess process;
    private boolean starting;
    private boolean closed;
    private int failures;
    private long notBefore = System.nanoTime();
    private String lastFailure;

    private IsolatedModel(ModelProcess.Launch launch, ModelDescriptor descriptor, InferenceProperties properties) {
        this.launch = launch;
        this.encoder = new BatchEncoder(descriptor);
        this.requestTimeout = properties.isolation().requestTimeout();
        this.retryAfter = properties.retryAfter();
        this.maxBackoff = properties.isolation().maxRestartBackoff();
    }

    /** The model with its first process started (waiting for it, as any model load does). */
    static IsolatedModel open(ModelProcess.Launch launch, ModelDescriptor descriptor, InferenceProperties properties) {
        IsolatedModel model = new IsolatedModel(launch, descriptor, properties);
        synchronized (model) {
            model.starting = true;
        }
        model.startProcess();
        return model;
    }

    @Override
    public List<float[]> predict(List<Input> inputs) {
        var batch = encoder.encode(inputs);
        synchronized (exchange) {
            ModelProcess running = running();
            try {
                List<float[]> out = running.predict(batch, launch.labels(), requestTimeout);
                synchronized (this) {
                    failures = 0;
                }
                return out;
            }
            catch (IOException e) {
                failed(running, running.failure());
                throw unavailable();
            }
        }
    }

    /** The live process, or {@link Unavailable} after starting a new one if it is due. */
    private synchronized ModelProcess running() {
        if (process != null && process.isAlive()) {
            return process;
        }
        if (process != null) {
            failed(process, process.failure());
        }
        if (!starting && !closed && System.nanoTime() - notBefore >= 0) {
            starting = true;
            Thread restart = new Thread(this::startProcess, "model-process-start");
            restart.setDaemon(true);
            restart.start();
        }
        throw unavailable();
    }

    private synchronized void failed(ModelProcess dead, String reason) {
        if (process != dead) {
            return; // already counted
        }
        process = null;
        recordFailure(reason);
    }

    private void recordFailure(String reason) {
        failures++;
        lastFailure = reason;
        // The first restart is immediate; a model that keeps failing waits longer each time.
        Duration backoff = failures == 1 ? Duration.ZERO
                : min(retryAfter.multipliedBy(1L << Math.min(failures - 2, 20)), maxBackoff);
        notBefore = System.nanoTime() + backoff.toNanos();
        log.warn("The process of model {} {}; a new one starts on the next request{}", launch.modelId(), reason,
                backoff.isZero() ? "" : " after " + backoff.toSeconds() + " s");
    }

    private void startProcess() {
        ModelProcess started = null;
        String failure = null;
        try {
            started = ModelProcess.start(launch);
        }
        catch (IOException | RuntimeException e) {
            failure = e.getMessage();
        }
        synchronized (this) {
            starting = false;
            if (closed) {
                if (started != null) {
                    started.stop();
                }
                return;
            }
            if (started != null) {
                process = started;
            }
            else {
                recordFailure(failure);
            }
        }
    }

    private synchronized Unavailable unavailable() {
        long wait = Math.max(retryAfter.toNanos(), notBefore - System.nanoTime());
        String why = lastFailure == null ? "is starting" : "is restarting after its process " + lastFailure;
        return new Unavailable("Model " + launch.modelId() + " " + why + "; retry", Duration.ofNanos(wait));
    }

    @Override
    public void close() {
        ModelProcess running;
        synchronized (this) {
            closed = true;
            running = process;
            process = null;
        }
        if (running != null) {
            running.stop();
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}

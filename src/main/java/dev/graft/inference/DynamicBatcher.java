package dev.graft.inference;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.IntConsumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.graft.training.Input;

/**
 * One model's bounded request queue and the worker threads that drain it, merging concurrent
 * requests into one forward pass (DJL Serving's layering: queue, batch aggregator, workers).
 * Requests are merged whole, so one request's instances stay together and in order.
 */
final class DynamicBatcher {

    private static final Logger log = LoggerFactory.getLogger(DynamicBatcher.class);

    /** Thrown by {@link #submit} when the queue is full. */
    static final class QueueFull extends RuntimeException {
        QueueFull() {
            super(null, null, false, false);
        }
    }

    /** Thrown (or completes a request) when the model was unloaded; the caller loads it again. */
    static final class Unloaded extends RuntimeException {
        Unloaded() {
            super(null, null, false, false);
        }
    }

    private record Pending(List<Input> inputs, CompletableFuture<List<float[]>> result) {
    }

    private final BlockingQueue<Pending> queue;
    private final Function<List<Input>, List<float[]>> predict;
    private final int maxBatchSize;
    private final long maxDelayNanos;
    private final boolean batching;
    private final IntConsumer batchSizes;
    private final Runnable afterStop;
    private final AtomicInteger running;
    private volatile boolean closed;

    /**
     * @param predict   the model's forward pass; must be safe to call from every worker at once
     * @param afterStop runs once, after the last worker has finished its last batch
     */
    DynamicBatcher(String name, Function<List<Input>, List<float[]>> predict, int workers, int queueSize,
            InferenceProperties.Batching batching, IntConsumer batchSizes, Runnable afterStop) {
        this.queue = new ArrayBlockingQueue<>(queueSize);
        this.predict = predict;
        this.batching = batching.enabled();
        this.maxBatchSize = batching.maxBatchSize();
        this.maxDelayNanos = batching.maxDelay().toNanos();
        this.batchSizes = batchSizes;
        this.afterStop = afterStop;
        this.running = new AtomicInteger(workers);
        for (int i = 0; i < workers; i++) {
            Thread thread = new Thread(this::work, "predict-" + name + "-" + i);
            thread.setDaemon(true);
            thread.start();
        }
    }

    /** Queues one request; fails fast with {@link QueueFull} or {@link Unloaded}. */
    CompletableFuture<List<float[]>> submit(List<Input> inputs) {
        if (closed) {
            throw new Unloaded();
        }
        Pending pending = new Pending(inputs, new CompletableFuture<>());
        if (!queue.offer(pending)) {
            throw new QueueFull();
        }
        // Closed while we queued: take it back if no worker has; a worker that took it will answer it,
        // and the last worker to stop fails whatever is left.
        if (closed && queue.remove(pending)) {
            throw new Unloaded();
        }
        return pending.result();
    }

    /** Stops taking requests; those queued are still answered, then {@code afterStop} runs. */
    void close() {
        closed = true;
    }

    private void work() {
        Pending carry = null;
        try {
            while (true) {
                Pending first = carry != null ? carry : queue.poll(50, TimeUnit.MILLISECONDS);
                carry = null;
                if (first == null) {
                    if (closed) {
                        break;
                    }
                    continue;
                }
                List<Pending> batch = new ArrayList<>();
                batch.add(first);
                int size = first.inputs().size();
                if (batching) {
                    long deadline = System.nanoTime() + maxDelayNanos;
                    while (size < maxBatchSize) {
                        long wait = deadline - System.nanoTime();
                        Pending next = wait > 0 ? queue.poll(wait, TimeUnit.NANOSECONDS) : queue.poll();
                        if (next == null) {
                            break;
                        }
                        if (size + next.inputs().size() > maxBatchSize) {
                            carry = next;
                            break;
                        }
                        batch.add(next);
                        size += next.inputs().size();
                    }
                }
                run(batch, size);
            }
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        finally {
            if (carry != null) {
                carry.result().completeExceptionally(new Unloaded());
            }
            if (running.decrementAndGet() == 0) {
                for (Pending left; (left = queue.poll()) != null;) {
                    left.result().completeExceptionally(new Unloaded());
                }
                afterStop.run();
            }
        }
    }

    private void run(List<Pending> batch, int size) {
        batchSizes.accept(size);
        List<Input> inputs = new ArrayList<>(size);
        batch.forEach(p -> inputs.addAll(p.inputs()));
        List<float[]> outputs;
        try {
            outputs = predict.apply(inputs);
        }
        catch (RuntimeException | Error e) {
            if (batch.size() == 1) {
                batch.get(0).result().completeExceptionally(e);
                return;
            }
            // Inputs are validated before they are queued, but if one request still breaks the
            // forward pass it must fail alone: run each request of the batch on its own.
            log.warn("A batch of {} requests failed ({}); retrying them one by one", batch.size(), e.toString());
            for (Pending p : batch) {
                try {
                    p.result().complete(predict.apply(p.inputs()));
                }
                catch (RuntimeException | Error single) {
                    p.result().completeExceptionally(single);
                }
            }
            return;
        }
        int at = 0;
        for (Pending p : batch) {
            int n = p.inputs().size();
            p.result().complete(List.copyOf(outputs.subList(at, at + n)));
            at += n;
        }
    }
}

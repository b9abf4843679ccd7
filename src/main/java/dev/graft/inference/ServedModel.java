package dev.graft.inference;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import dev.graft.training.Input;

/**
 * A loaded model: its backend (weights here, or a process of its own) and the batcher whose
 * workers share it. Closing stops the batcher; the backend is closed only after its last batch, so
 * eviction never pulls native memory (or the process) from under a running forward pass.
 */
final class ServedModel {

    private final String id;
    private final long bytes;
    private final DynamicBatcher batcher;

    ServedModel(String id, ModelBackend backend, long bytes, InferenceProperties properties, InferenceMetrics metrics) {
        this.id = id;
        this.bytes = bytes;
        this.batcher = new DynamicBatcher(shortName(id), backend::predict, properties.workersPerModel(),
                properties.queueSize(), properties.batching(), metrics.batchSizes(id), backend::close);
    }

    String id() {
        return id;
    }

    long bytes() {
        return bytes;
    }

    CompletableFuture<List<float[]>> submit(List<Input> inputs) {
        return batcher.submit(inputs);
    }

    void close() {
        batcher.close();
    }

    private static String shortName(String id) {
        int colon = id.lastIndexOf(':');
        return colon < 0 ? id : id.substring(colon + 1);
    }
}

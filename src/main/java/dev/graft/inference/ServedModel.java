package dev.graft.inference;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import dev.graft.training.Input;
import dev.graft.training.ModelArtifact;

/**
 * A loaded model: its weights and the batcher whose workers share them. Closing stops the
 * batcher; the weights are freed only after its last batch, so eviction never pulls native memory
 * from under a running forward pass.
 */
final class ServedModel {

    private final String id;
    private final long bytes;
    private final DynamicBatcher batcher;

    /**
     * {@link ModelArtifact#predict} may run on several threads at once: each call has its own
     * NDManager scope and ParameterStore, turns autograd off on its thread, and only reads the
     * weights. So one artifact serves every worker, instead of one copy of the weights per worker
     * as DJL's non-thread-safe Predictor would need.
     */
    ServedModel(String id, ModelArtifact artifact, long bytes, InferenceProperties properties, InferenceMetrics metrics) {
        this.id = id;
        this.bytes = bytes;
        this.batcher = new DynamicBatcher(shortName(id), artifact::predict, properties.workersPerModel(),
                properties.queueSize(), properties.batching(), metrics.batchSizes(id), artifact::close);
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

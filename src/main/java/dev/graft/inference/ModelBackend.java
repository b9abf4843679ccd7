package dev.graft.inference;

import java.util.List;

import dev.graft.training.Input;
import dev.graft.training.ModelArtifact;

/**
 * What runs a loaded model's forward passes: its artifact in this process, or a process of its
 * own for a model that holds TorchScript ({@link IsolatedModel}). Must be safe to call from every
 * batcher worker at once.
 */
interface ModelBackend extends AutoCloseable {

    /** Class probabilities for each input, in the model's label order. */
    List<float[]> predict(List<Input> inputs);

    /** Frees the model; called once, after its last batch. */
    @Override
    void close();

    /**
     * {@link ModelArtifact#predict} may run on several threads at once: each call has its own
     * NDManager scope and ParameterStore, turns autograd off on its thread, and only reads the
     * weights. So one artifact serves every worker, instead of one copy of the weights per worker
     * as DJL's non-thread-safe Predictor would need.
     */
    static ModelBackend inProcess(ModelArtifact artifact) {
        return new ModelBackend() {
            @Override
            public List<float[]> predict(List<Input> inputs) {
                return artifact.predict(inputs);
            }

            @Override
            public void close() {
                artifact.close();
            }
        };
    }
}

package dev.graft.training;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.graft.basemodel.Backbone;

/**
 * Feature extraction's shortcut: a frozen backbone in inference mode maps an example to the same
 * embedding in every epoch, so each embedding is computed once and the head trains on the cache.
 * Epochs then cost a linear layer's worth of work. (Which is also why feature extraction never
 * augments: an augmented image would need a fresh backbone pass.)
 */
final class EmbeddingCache {

    private EmbeddingCache() {
    }

    static EncodedSplit embed(Backbone backbone, EncodedSplit split, NDManager manager,
            int batchSize) {
        return EncodedSplit.ofEmbeddings(rows(backbone, split, manager, batchSize), split.labels());
    }

    /** The backbone's embedding of each example, in inference mode, one sub-manager per batch. */
    static float[][] rows(Backbone backbone, EncodedSplit split, NDManager manager, int batchSize) {
        int n = split.size();
        float[][] rows = new float[n][];
        int size = backbone.embeddingSize();
        for (int start = 0; start < n; start += batchSize) {
            int[] batch = new int[Math.min(batchSize, n - start)];
            for (int i = 0; i < batch.length; i++) {
                batch[i] = start + i;
            }
            try (NDManager scope = manager.newSubManager()) {
                float[] flat = backbone.forward(new ParameterStore(scope, false),
                        new NDList(split.inputs(scope, batch, null)), false)
                        .singletonOrThrow().toFloatArray();
                for (int i = 0; i < batch.length; i++) {
                    rows[start + i] = new float[size];
                    System.arraycopy(flat, i * size, rows[start + i], 0, size);
                }
            }
        }
        return rows;
    }
}

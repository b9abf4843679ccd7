package dev.graft.training;

import java.nio.file.Path;
import java.util.List;

/** What a run starts from. */
public sealed interface BaseModel {

    /** An id for lineage. */
    String id();

    /**
     * An untrained architecture from {@link dev.graft.basemodel.Architectures}.
     *
     * @param inputShape image {@code [channels, height, width]} or text {@code [maxTokens]};
     *     null for the architecture's default (tables always take their feature count)
     */
    record Architecture(String id, List<Integer> inputShape) implements BaseModel {
        public Architecture(String id) {
            this(id, null);
        }
    }

    /**
     * A plain linear model on standardised numeric features (softmax regression): the search's
     * simplest no-transfer candidate for tables.
     */
    record LinearModel() implements BaseModel {
        @Override
        public String id() {
            return "linear";
        }
    }

    /** A model Graft trained earlier: its backbone and preprocessing, under a fresh head. */
    record Artifact(String id, Path directory) implements BaseModel {
    }

    /**
     * An imported TorchScript image module that maps a batch of {@code inputShape} images,
     * normalised as {@code (x - mean[c]) / std[c]} after scaling to [0,1], to vectors of
     * {@code embeddingSize} values (an embedding or logits: either becomes the new head's input).
     */
    record TorchScript(String id, Path file, List<Integer> inputShape, float[] mean, float[] std,
            int embeddingSize) implements BaseModel {
    }
}

package dev.graft.training;

import dev.graft.basemodel.ArchitectureSpec;
import dev.graft.basemodel.Modality;
import java.util.List;

/**
 * The contents of {@code graft-model.json}: enough to rebuild and use a trained model with no
 * database. The input spec is {@code architecture.inputShape()} with {@code preprocessing}.
 */
public record ModelDescriptor(int formatVersion, ArchitectureSpec architecture,
        List<String> labels, Modality modality, Preprocessing preprocessing, String weightsFile,
        Lineage lineage, EvaluationReport evaluation) {

    public static final int FORMAT_VERSION = 1;

    /** Where a model came from. */
    public record Lineage(String baseModelId, String datasetId, Strategy strategy,
            Hyperparameters hyperparameters, long seed, int epochsRun, int bestEpoch) {
    }
}

package dev.graft.training;

import java.nio.file.Path;

/**
 * How a run ended. When it did not end {@code CANCELLED}, {@code model} is the trained model in
 * memory (close the result to free it) and {@code artifactDirectory} holds the same model.
 *
 * @param epochsRun epochs finished, resumed ones included
 * @param bestEpoch the epoch whose weights the model has (1-based)
 */
public record TrainingResult(Outcome outcome, Strategy strategy, int epochsRun, int bestEpoch,
        EvaluationReport report, Path artifactDirectory, ModelArtifact model)
        implements AutoCloseable {

    public enum Outcome { COMPLETED, EARLY_STOPPED, CANCELLED }

    @Override
    public void close() {
        if (model != null) {
            model.close();
        }
    }
}

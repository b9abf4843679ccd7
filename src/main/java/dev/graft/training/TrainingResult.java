package dev.graft.training;

import java.nio.file.Path;

/**
 * How a run ended. When it did not end {@code CANCELLED}, {@code model} is the trained model in
 * memory (close the result to free it) and {@code artifactDirectory} holds the same model.
 *
 * @param epochsRun epochs finished, resumed ones included
 * @param bestEpoch the epoch whose weights the model has (1-based)
 * @param hyperparameters what the model trained with (for {@code auto}: the chosen candidate's)
 * @param search strategy {@code auto}'s search; null for an explicit strategy
 */
public record TrainingResult(Outcome outcome, Strategy strategy, int epochsRun, int bestEpoch,
        EvaluationReport report, Path artifactDirectory, ModelArtifact model,
        Hyperparameters hyperparameters, SearchReport search)
        implements AutoCloseable {

    public enum Outcome { COMPLETED, EARLY_STOPPED, CANCELLED }

    @Override
    public void close() {
        if (model != null) {
            model.close();
        }
    }
}

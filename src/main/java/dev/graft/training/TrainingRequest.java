package dev.graft.training;

import ai.djl.Device;
import java.nio.file.Path;
import java.util.Locale;

/**
 * One training run.
 *
 * @param datasetId for lineage only
 * @param outputDirectory where the model artifact is written (must not be in use)
 * @param checkpointDirectory where per-epoch checkpoints go, one directory each named by
 *     {@link #checkpointName(int)}; null for none
 * @param resumeFrom a checkpoint (epoch directory or checkpoint root) to continue; null to start
 * @param device where to train; null for the CPU
 * @param search what strategy {@code AUTO} searches with; with {@code AUTO}, {@code hyperparameters}
 *     only lends its seed and threads
 */
public record TrainingRequest(BaseModel base, Strategy strategy, Hyperparameters hyperparameters,
        TrainingData data, String datasetId, Path outputDirectory, Path checkpointDirectory,
        Path resumeFrom, Device device, Search search) {

    /**
     * @param given what the client fixed; every candidate keeps it
     * @param budget the whole search with its refit costs at most this many default single runs
     * @param resume the state a stopped search reported last (its finished folds are not rerun), or null
     */
    public record Search(HyperparameterOverrides given, double budget, SearchReport resume) {

        public static final double DEFAULT_BUDGET = 4;

        public Search {
            given = given == null ? HyperparameterOverrides.NONE : given;
            if (!(budget >= 1)) {
                throw new IllegalArgumentException("A search budget is at least one default run");
            }
        }
    }

    /** An explicit run (no search). */
    public TrainingRequest(BaseModel base, Strategy strategy, Hyperparameters hyperparameters,
            TrainingData data, String datasetId, Path outputDirectory, Path checkpointDirectory,
            Path resumeFrom, Device device) {
        this(base, strategy, hyperparameters, data, datasetId, outputDirectory, checkpointDirectory,
                resumeFrom, device, strategy == Strategy.AUTO
                        ? new Search(HyperparameterOverrides.NONE, Search.DEFAULT_BUDGET, null) : null);
    }

    public TrainingRequest {
        if (base == null || strategy == null || hyperparameters == null || data == null
                || outputDirectory == null) {
            throw new IllegalArgumentException(
                    "base, strategy, hyperparameters, data and outputDirectory are required");
        }
        device = device == null ? Device.cpu() : device;
        if (strategy == Strategy.AUTO && search == null) {
            throw new IllegalArgumentException("Strategy auto needs search settings");
        }
    }

    /** The directory, under {@code checkpointDirectory}, of the checkpoint written after {@code epoch}. */
    public static String checkpointName(int epoch) {
        return String.format(Locale.ROOT, "epoch-%04d", epoch);
    }

    public TrainingRequest withResumeFrom(Path checkpoint) {
        return new TrainingRequest(base, strategy, hyperparameters, data, datasetId,
                outputDirectory, checkpointDirectory, checkpoint, device, search);
    }

    public TrainingRequest withOutputDirectory(Path directory) {
        return new TrainingRequest(base, strategy, hyperparameters, data, datasetId, directory,
                checkpointDirectory, resumeFrom, device, search);
    }
}

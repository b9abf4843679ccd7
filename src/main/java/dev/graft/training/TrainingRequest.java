package dev.graft.training;

import ai.djl.Device;
import java.nio.file.Path;

/**
 * One training run.
 *
 * @param datasetId for lineage only
 * @param outputDirectory where the model artifact is written (must not be in use)
 * @param checkpointDirectory where per-epoch checkpoints go; null for none
 * @param resumeFrom a checkpoint (epoch directory or checkpoint root) to continue; null to start
 * @param device where to train; null for the CPU
 */
public record TrainingRequest(BaseModel base, Strategy strategy, Hyperparameters hyperparameters,
        TrainingData data, String datasetId, Path outputDirectory, Path checkpointDirectory,
        Path resumeFrom, Device device) {

    public TrainingRequest {
        if (base == null || strategy == null || hyperparameters == null || data == null
                || outputDirectory == null) {
            throw new IllegalArgumentException(
                    "base, strategy, hyperparameters, data and outputDirectory are required");
        }
        device = device == null ? Device.cpu() : device;
    }

    public TrainingRequest withResumeFrom(Path checkpoint) {
        return new TrainingRequest(base, strategy, hyperparameters, data, datasetId,
                outputDirectory, checkpointDirectory, checkpoint, device);
    }

    public TrainingRequest withOutputDirectory(Path directory) {
        return new TrainingRequest(base, strategy, hyperparameters, data, datasetId, directory,
                checkpointDirectory, resumeFrom, device);
    }
}

package dev.graft.job;

/**
 * Hyperparameters after {@code "auto"} was resolved: what the job actually trains with.
 *
 * @param earlyStoppingPatience epochs without a better validation loss before stopping; 0 turns early stopping off
 * @param unfreezeLayers        top backbone blocks that train under the {@code partial} strategy
 * @param augment               light random crop/flip of training images
 */
public record Hyperparameters(
        int nEpochs,
        int batchSize,
        double learningRate,
        int earlyStoppingPatience,
        double backboneLearningRateMultiplier,
        int unfreezeLayers,
        boolean augment) {
}

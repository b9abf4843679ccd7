package dev.graft.training;

/**
 * Knobs of one run.
 *
 * @param backboneLearningRateMultiplier backbone rate = {@code learningRate} times this
 * @param unfreezeLayers backbone units (from the top) that train under {@code partial}
 * @param earlyStoppingPatience epochs without a better validation loss before stopping; 0 = off
 * @param augment random crop and flip for images (never with feature extraction)
 * @param threads PyTorch intra-op threads; 0 = leave as is
 */
public record Hyperparameters(int epochs, int batchSize, float learningRate,
        float backboneLearningRateMultiplier, int unfreezeLayers, int earlyStoppingPatience,
        long seed, boolean augment, int threads, OptimizerKind optimizer) {

    public enum OptimizerKind { ADAM, SGD_MOMENTUM }

    public Hyperparameters {
        if (epochs < 1 || batchSize < 1 || !(learningRate > 0)
                || !(backboneLearningRateMultiplier >= 0) || unfreezeLayers < 0
                || earlyStoppingPatience < 0 || threads < 0) {
            throw new IllegalArgumentException("Invalid hyperparameters: epochs and batch size "
                    + "must be positive, the learning rate > 0, the rest >= 0");
        }
    }

    public static Hyperparameters defaults() {
        return new Hyperparameters(10, 32, 1e-3f, 0.1f, 1, 0, 42, false, 0, OptimizerKind.ADAM);
    }

    public Hyperparameters withEpochs(int value) {
        return new Hyperparameters(value, batchSize, learningRate, backboneLearningRateMultiplier,
                unfreezeLayers, earlyStoppingPatience, seed, augment, threads, optimizer);
    }

    public Hyperparameters withBatchSize(int value) {
        return new Hyperparameters(epochs, value, learningRate, backboneLearningRateMultiplier,
                unfreezeLayers, earlyStoppingPatience, seed, augment, threads, optimizer);
    }

    public Hyperparameters withLearningRate(float value) {
        return new Hyperparameters(epochs, batchSize, value, backboneLearningRateMultiplier,
                unfreezeLayers, earlyStoppingPatience, seed, augment, threads, optimizer);
    }

    public Hyperparameters withBackboneLearningRateMultiplier(float value) {
        return new Hyperparameters(epochs, batchSize, learningRate, value, unfreezeLayers,
                earlyStoppingPatience, seed, augment, threads, optimizer);
    }

    public Hyperparameters withUnfreezeLayers(int value) {
        return new Hyperparameters(epochs, batchSize, learningRate, backboneLearningRateMultiplier,
                value, earlyStoppingPatience, seed, augment, threads, optimizer);
    }

    public Hyperparameters withEarlyStoppingPatience(int value) {
        return new Hyperparameters(epochs, batchSize, learningRate, backboneLearningRateMultiplier,
                unfreezeLayers, value, seed, augment, threads, optimizer);
    }

    public Hyperparameters withSeed(long value) {
        return new Hyperparameters(epochs, batchSize, learningRate, backboneLearningRateMultiplier,
                unfreezeLayers, earlyStoppingPatience, value, augment, threads, optimizer);
    }

    public Hyperparameters withAugment(boolean value) {
        return new Hyperparameters(epochs, batchSize, learningRate, backboneLearningRateMultiplier,
                unfreezeLayers, earlyStoppingPatience, seed, value, threads, optimizer);
    }

    public Hyperparameters withThreads(int value) {
        return new Hyperparameters(epochs, batchSize, learningRate, backboneLearningRateMultiplier,
                unfreezeLayers, earlyStoppingPatience, seed, augment, value, optimizer);
    }

    public Hyperparameters withOptimizer(OptimizerKind value) {
        return new Hyperparameters(epochs, batchSize, learningRate, backboneLearningRateMultiplier,
                unfreezeLayers, earlyStoppingPatience, seed, augment, threads, value);
    }
}

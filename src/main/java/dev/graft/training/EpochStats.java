package dev.graft.training;

/** One epoch of the history; validation values are NaN without a validation split. */
public record EpochStats(int epoch, float trainLoss, float trainAccuracy, float validationLoss,
        float validationAccuracy, double seconds) {
}

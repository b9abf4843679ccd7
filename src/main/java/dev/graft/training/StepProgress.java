package dev.graft.training;

/**
 * After one optimisation step.
 *
 * @param epoch 1-based
 * @param step 1-based within the epoch
 * @param globalStep 1-based over the run, counting resumed steps
 * @param loss mean loss of this batch
 * @param accuracy accuracy of this batch
 * @param samplesPerSecond throughput of this epoch so far
 * @param etaSeconds estimated seconds to the end of the last epoch
 * @param epochs the run's epochs
 */
public record StepProgress(int epoch, int step, int stepsPerEpoch, long globalStep, float loss,
        float accuracy, double samplesPerSecond, double etaSeconds, int epochs) {
}

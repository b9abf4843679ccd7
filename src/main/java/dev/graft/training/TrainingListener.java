package dev.graft.training;

/** Progress callbacks, called on the training thread; keep them quick. */
public interface TrainingListener {

    default void onStep(StepProgress step) {
    }

    default void onEpoch(EpochStats epoch) {
    }

    TrainingListener NONE = new TrainingListener() {
    };
}

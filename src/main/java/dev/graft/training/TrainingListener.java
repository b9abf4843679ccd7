package dev.graft.training;

/** Progress callbacks, called on the training thread; keep them quick. */
public interface TrainingListener {

    default void onStep(StepProgress step) {
    }

    default void onEpoch(EpochStats epoch) {
    }

    /**
     * Strategy {@code auto}'s search progress. Fold runs report no epochs, only steps (so that a
     * stop request is seen within one step).
     */
    default void onSearch(SearchUpdate update) {
    }

    TrainingListener NONE = new TrainingListener() {
    };
}

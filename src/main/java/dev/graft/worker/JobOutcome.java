package dev.graft.worker;

import dev.graft.model.ModelRegistry;

/** How an attempt at a job ended, when it did not fail. */
public sealed interface JobOutcome {

    /**
     * Trained; {@code model} is registered when the job is marked succeeded, with the job's
     * {@code transferReport} (JSON) when it asked for {@code compare_baseline}.
     */
    record Succeeded(ModelRegistry.NewModel model, String artifactPrefix, String transferReport) implements JobOutcome {

        Succeeded(ModelRegistry.NewModel model, String artifactPrefix) {
            this(model, artifactPrefix, null);
        }
    }

    /** Stopped because the client cancelled: no model. */
    record Cancelled(int stepsAfterRequest) implements JobOutcome {
    }

    /** Stopped because the worker is shutting down, after writing a checkpoint to resume from. */
    record Interrupted() implements JobOutcome {
    }
}

package dev.graft.worker;

import dev.graft.model.ModelRegistry;

/** How an attempt at a job ended, when it did not fail. */
public sealed interface JobOutcome {

    /** Trained; {@code model} is registered when the job is marked succeeded. */
    record Succeeded(ModelRegistry.NewModel model, String artifactPrefix) implements JobOutcome {
    }

    /** Stopped because the client cancelled: no model. */
    record Cancelled(int stepsAfterRequest) implements JobOutcome {
    }

    /** Stopped because the worker is shutting down, after writing a checkpoint to resume from. */
    record Interrupted() implements JobOutcome {
    }
}

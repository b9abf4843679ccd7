package dev.graft.training;

import java.util.concurrent.atomic.AtomicBoolean;

/** Asks a running training to stop; it checks before every step. */
public final class CancellationToken {

    private final AtomicBoolean cancelled = new AtomicBoolean();

    public void cancel() {
        cancelled.set(true);
    }

    public boolean isCancelled() {
        return cancelled.get();
    }

    /** A token that is never cancelled. */
    public static CancellationToken none() {
        return new CancellationToken();
    }
}

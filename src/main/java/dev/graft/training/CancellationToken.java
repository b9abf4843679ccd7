package dev.graft.training;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/** Asks a running training to stop; it checks before every step. */
public final class CancellationToken {

    private final AtomicBoolean cancelled = new AtomicBoolean();
    private final BooleanSupplier stopWhen;

    public CancellationToken() {
        this(() -> false);
    }

    private CancellationToken(BooleanSupplier stopWhen) {
        this.stopWhen = stopWhen;
    }

    /** A token that also counts as cancelled whenever {@code condition} holds (checked before every step). */
    public static CancellationToken when(BooleanSupplier condition) {
        return new CancellationToken(condition);
    }

    public void cancel() {
        cancelled.set(true);
    }

    public boolean isCancelled() {
        return cancelled.get() || stopWhen.getAsBoolean();
    }

    /** A token that is never cancelled. */
    public static CancellationToken none() {
        return new CancellationToken();
    }
}

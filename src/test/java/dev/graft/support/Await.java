package dev.graft.support;

import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Polls until a condition holds. The timeout only stops a broken test from hanging: it is generous
 * and no assertion depends on how long the wait took.
 */
public final class Await {

    private Await() {
    }

    /** The first value of {@code probe} that satisfies {@code done}; fails with the last one seen otherwise. */
    public static <T> T until(String what, Duration timeout, Supplier<T> probe, Predicate<T> done) {
        long deadline = System.nanoTime() + timeout.toNanos();
        T last;
        do {
            last = probe.get();
            if (done.test(last)) {
                return last;
            }
            pause(200);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("Gave up after " + timeout + " waiting for " + what + "; last seen: " + last);
    }

    public static void pause(long millis) {
        try {
            Thread.sleep(millis);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

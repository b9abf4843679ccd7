package dev.graft.worker;

/**
 * A job that cannot finish, classified: {@code retryable} for infrastructure trouble (storage,
 * database, a crashed device) that another attempt may not meet, not retryable for problems in
 * the job itself (bad data, unsupported input) that every attempt would meet again.
 */
public class JobFailure extends RuntimeException {

    private final String code;
    private final boolean retryable;

    public JobFailure(String code, String message, boolean retryable, Throwable cause) {
        super(message, cause);
        this.code = code;
        this.retryable = retryable;
    }

    public static JobFailure invalidData(String message) {
        return new JobFailure("invalid_data", message, false, null);
    }

    /** The job used up its wall-clock budget: not retryable, since every attempt shares that budget. */
    public static JobFailure maxDurationExceeded(long budgetSeconds) {
        return new JobFailure("max_duration_exceeded", "The job used up its max_duration of " + budgetSeconds
                + " seconds and was stopped", false, null);
    }

    public String code() {
        return code;
    }

    public boolean retryable() {
        return retryable;
    }
}

package dev.graft.worker;

/** Does the work of one attempt at a job, reporting through {@link RunningJob}. */
public interface JobExecutor {

    /**
     * Runs the job until it is trained, cancelled or interrupted ({@link RunningJob#stopReason()}
     * is checked before every step). Throws {@link JobFailure} for a classified failure; any other
     * exception counts as a retryable infrastructure failure.
     */
    JobOutcome execute(RunningJob job) throws Exception;
}

package dev.graft.worker;

/** The worker no longer holds the job's lease: another worker has it now, so stop at once. */
public class LeaseLostException extends RuntimeException {

    public LeaseLostException(String jobId) {
        super("Lost the lease of job " + jobId);
    }
}

package dev.graft.dataset;

/**
 * Something outside this feature that may still need a dataset (a queued or running job).
 * Implemented by the jobs feature, so datasets need not know about jobs.
 */
public interface DatasetUsage {

    /** A reason the dataset cannot be deleted now, or null. */
    String blockingUse(String datasetId);
}

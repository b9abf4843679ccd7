package dev.graft.model;

/**
 * Something outside this feature that still needs a fine-tuned model (a queued or running job
 * that starts from it). Implemented by the jobs feature, so models need not know about jobs.
 */
public interface ModelUsage {

    /** A reason the model cannot be deleted now, or null. */
    String blockingUse(String modelId);
}

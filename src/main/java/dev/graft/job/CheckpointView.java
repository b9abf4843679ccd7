package dev.graft.job;

import java.util.Map;

/** A checkpoint written at the end of an epoch, as OpenAI's {@code fine_tuning.job.checkpoint}. */
public record CheckpointView(String id, String object, String fineTuningJobId, int epoch, long stepNumber,
        Map<String, Object> metrics, long createdAt) {
}

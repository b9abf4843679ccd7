package dev.graft.job;

import java.time.Instant;
import java.util.UUID;

/** One row of {@code fine_tuning_jobs}; json columns are kept as their JSON text. */
public record JobRow(
        String id,
        long seq,
        String tenantId,
        JobStatus status,
        String baseModel,
        String datasetId,
        String strategy,
        String hyperparameters,
        long seed,
        Double validationFraction,
        String suffix,
        String metadata,
        int priority,
        int attempts,
        int maxAttempts,
        String claimedBy,
        UUID leaseToken,
        Instant leaseExpiresAt,
        boolean cancelRequested,
        String progress,
        String metrics,
        String errorCode,
        String errorMessage,
        String fineTunedModel,
        String idempotencyKey,
        String requestHash,
        Instant createdAt,
        Instant startedAt,
        Instant finishedAt,
        boolean compareBaseline,
        String transferReport,
        String search,
        /* The job's wall-clock budget (max_duration); null on jobs created before budgets existed. */
        Long maxDurationSeconds) {
}

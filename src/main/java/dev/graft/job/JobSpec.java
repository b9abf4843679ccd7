package dev.graft.job;

import java.util.Map;

/**
 * A creation request that passed the syntactic checks. {@code hyperparameters} holds what the
 * client gave: a {@link Number}, a {@link Boolean}, or the string {@code "auto"}, by wire name.
 * {@code maxDurationSeconds} is null when the client named none (the default applies).
 */
record JobSpec(
        String baseModel,
        String dataset,
        String strategy,
        Map<String, Object> hyperparameters,
        Double validationFraction,
        Long seed,
        String suffix,
        Map<String, String> metadata,
        int priority,
        boolean compareBaseline,
        Long maxDurationSeconds) {
}

package dev.graft.job;

import java.util.List;
import java.util.Map;

/**
 * The fine-tuning job object, shaped like OpenAI's {@code fine_tuning.job}. Times are unix
 * seconds; {@code strategy} and {@code hyperparameters} are what {@code "auto"} resolved to (for
 * strategy {@code auto}, once its search has chosen; {@code "auto"} values until then), and
 * {@code search} is that search (null for an explicit strategy); {@code maxDuration} is the job's
 * wall-clock budget in seconds (null on jobs made before budgets); {@code resultFiles} where its
 * per-epoch results are downloaded, once it has started (OpenAI's {@code result_files}).
 */
public record JobView(
        String id,
        String object,
        String status,
        String baseModel,
        String dataset,
        String strategy,
        Map<String, Object> hyperparameters,
        long seed,
        Double validationFraction,
        String suffix,
        Map<String, String> metadata,
        int priority,
        Long maxDuration,
        String fineTunedModel,
        long createdAt,
        Long startedAt,
        Long finishedAt,
        Error error,
        int attempts,
        int maxAttempts,
        boolean cancelRequested,
        Progress progress,
        Map<String, Object> metrics,
        Integer maxRunningPerTenant,
        String waitingReason,
        boolean compareBaseline,
        Map<String, Object> transferReport,
        Map<String, Object> search,
        List<String> resultFiles) {

    public record Error(String code, String message) {
    }

    public record Progress(int epoch, int epochs, long step, long steps) {
    }
}

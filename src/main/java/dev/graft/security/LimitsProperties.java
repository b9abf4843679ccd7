package dev.graft.security;

import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Per-tenant and per-key limits ({@code graft.limits.*}); 0 switches a limit off. Request size and
 * instances per prediction are the datasets' and inference's own settings.
 *
 * @param datasetsPerTenant       stored datasets; one more upload gets 403 {@code quota-exceeded}
 * @param modelsPerTenant         fine-tuned plus imported models, counting the jobs that will make one
 * @param uploadsInFlightPerTenant uploads being received and validated at once; one more gets 429
 * @param predictionsPerSecond    prediction requests per second per key (a token bucket), refilled steadily
 * @param predictionBurst         the bucket's size: how many requests may come at once after a quiet spell
 */
@Validated
@ConfigurationProperties("graft.limits")
public record LimitsProperties(
        @DefaultValue("100") @Min(0) int datasetsPerTenant,
        @DefaultValue("100") @Min(0) int modelsPerTenant,
        @DefaultValue("2") @Min(0) int uploadsInFlightPerTenant,
        @DefaultValue("50") @Min(0) double predictionsPerSecond,
        @DefaultValue("100") @Min(1) int predictionBurst) {
}

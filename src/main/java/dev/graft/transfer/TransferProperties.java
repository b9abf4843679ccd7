package dev.graft.transfer;

import java.time.Duration;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Ranking base models on a dataset ({@code graft.transfer.*}). Ranking runs every candidate's
 * backbone over the sample inside the API process, so its size and concurrency are bounded.
 *
 * @param defaultSampleSize training examples embedded when a request names no {@code sample_size}
 * @param maxSampleSize     the largest {@code sample_size} a request may ask for
 * @param maxCandidates     bases one request may list
 * @param batchSize         examples per forward pass
 * @param maxConcurrent     rankings computed at once; one more answers 503 + Retry-After
 * @param retryAfter        the {@code Retry-After} of that 503
 */
@Validated
@ConfigurationProperties("graft.transfer")
public record TransferProperties(
        @DefaultValue("500") @Min(2) int defaultSampleSize,
        @DefaultValue("2000") @Min(2) @Max(100000) int maxSampleSize,
        @DefaultValue("16") @Min(1) int maxCandidates,
        @DefaultValue("64") @Min(1) int batchSize,
        @DefaultValue("1") @Min(1) int maxConcurrent,
        @DefaultValue("5s") Duration retryAfter) {
}

package dev.graft.training;

import java.nio.file.Path;

import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * The training engine in a worker ({@code graft.training.*}).
 *
 * @param threads       PyTorch intra-op threads; 0 keeps PyTorch's default (one per core)
 * @param dataDirectory where DJL keeps its native cache ({@code <dir>/djl})
 * @param searchBudget  strategy {@code auto}: the search and its refit cost at most this many
 *                      default single runs (successive halving sizes its rungs to fit)
 * @param cacheMaxSize  bound on {@code <dataDirectory>/cache}: images resized for training and
 *                      frozen embeddings that later jobs reuse; least recently used files go first
 */
@Validated
@ConfigurationProperties("graft.training")
public record TrainingProperties(
        @DefaultValue("0") @Min(0) int threads,
        @DefaultValue("./data") Path dataDirectory,
        @DefaultValue("4") @DecimalMin("1") double searchBudget,
        @DefaultValue("4GB") DataSize cacheMaxSize) {
}

package dev.graft.training;

import java.nio.file.Path;

import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The training engine in a worker ({@code graft.training.*}).
 *
 * @param threads       PyTorch intra-op threads; 0 keeps PyTorch's default (one per core)
 * @param dataDirectory where DJL keeps its native cache ({@code <dir>/djl})
 */
@Validated
@ConfigurationProperties("graft.training")
public record TrainingProperties(
        @DefaultValue("0") @Min(0) int threads,
        @DefaultValue("./data") Path dataDirectory) {
}

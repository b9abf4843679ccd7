package dev.graft.basemodel;

import java.time.Duration;
import java.util.List;

import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Model imports ({@code graft.imports.*}). An uploaded TorchScript module is loaded and run only in
 * a separate probe process (see {@link IsolatedProbe}).
 *
 * @param probeTimeout    how long the probe may take to load the module and answer a dummy batch
 * @param probeJvmOptions the probe JVM's options, e.g. {@code [-Xmx2g]}, as for workers
 * @param maxConcurrent   imports received at once per API process (each stages a file, unpacks or
 *                        probes it and loads a network); one more answers 503 + Retry-After
 * @param retryAfter      the {@code Retry-After} of that 503
 */
@Validated
@ConfigurationProperties("graft.imports")
public record ImportProperties(
        @DefaultValue("120s") Duration probeTimeout,
        @DefaultValue List<String> probeJvmOptions,
        @DefaultValue("2") @Min(1) int maxConcurrent,
        @DefaultValue("5s") Duration retryAfter) {
}

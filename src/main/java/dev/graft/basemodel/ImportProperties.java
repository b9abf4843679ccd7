package dev.graft.basemodel;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Model imports ({@code graft.imports.*}). An uploaded TorchScript module is loaded and run only in
 * a separate probe process (see {@link IsolatedProbe}).
 *
 * @param probeTimeout    how long the probe may take to load the module and answer a dummy batch
 * @param probeJvmOptions the probe JVM's options, e.g. {@code [-Xmx2g]}, as for workers
 */
@ConfigurationProperties("graft.imports")
public record ImportProperties(
        @DefaultValue("120s") Duration probeTimeout,
        @DefaultValue List<String> probeJvmOptions) {
}

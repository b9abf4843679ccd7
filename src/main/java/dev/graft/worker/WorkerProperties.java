package dev.graft.worker;

import java.time.Duration;
import java.util.List;

import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Worker processes ({@code graft.worker.*}).
 *
 * @param processes         child workers the {@code all} mode starts; empty means one per visible
 *                          GPU (counted with nvidia-smi), or one on the CPU when there is none
 * @param device            the device of this worker process: {@code cpu} or {@code gpu:N}
 * @param id                this worker's name in {@code claimed_by}; empty means host-pid-device
 * @param cancelCheckInterval how often a running job re-reads its cancel flag; a cancel takes
 *                          effect at the first training step after that
 * @param jvmOptions        extra JVM options for child workers (e.g. -Xmx4g)
 */
@Validated
@ConfigurationProperties("graft.worker")
public record WorkerProperties(
        @Min(0) Integer processes,
        @DefaultValue("cpu") String device,
        String id,
        @DefaultValue("200ms") Duration cancelCheckInterval,
        @DefaultValue("1s") Duration restartBackoffMin,
        @DefaultValue("60s") Duration restartBackoffMax,
        @DefaultValue("60s") Duration stopTimeout,
        @DefaultValue List<String> jvmOptions) {
}

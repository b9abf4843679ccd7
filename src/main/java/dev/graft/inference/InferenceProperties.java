package dev.graft.inference;

import java.time.Duration;
import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Prediction serving in the API process ({@code graft.inference.*}).
 *
 * @param maxInstances    instances one predict request may carry
 * @param defaultTopK     labels returned per prediction when {@code top_k} is absent
 * @param maxImagePixels  larger images are refused before they are decoded
 * @param maxRequestPixels pixels the images of one request may declare together; a request over
 *                        it is refused from the headers, before any image is decoded
 * @param maxRequestSize  a predict request's body, JSON or multipart: refused from its
 *                        {@code Content-Length}, or once that much has been read, with 413
 * @param maxFileSize     one uploaded image file (a multipart part); larger gets 413
 * @param workersPerModel threads per loaded model that run batches (they share its weights)
 * @param queueSize       requests waiting per model; a full queue answers 503 at once
 * @param retryAfter      the {@code Retry-After} of that 503
 * @param requestTimeout  how long a request waits for its prediction before 503
 * @param isolation       the processes that serve models holding TorchScript
 */
@Validated
@ConfigurationProperties("graft.inference")
public record InferenceProperties(
        @DefaultValue("64") @Min(1) @Max(10000) int maxInstances,
        @DefaultValue("5") @Min(1) int defaultTopK,
        @DefaultValue("40000000") @Min(1) long maxImagePixels,
        @DefaultValue("50000000") @Min(1) long maxRequestPixels,
        @DefaultValue("64MB") DataSize maxRequestSize,
        @DefaultValue("20MB") DataSize maxFileSize,
        @DefaultValue("2") @Min(1) @Max(64) int workersPerModel,
        @DefaultValue("256") @Min(1) int queueSize,
        @DefaultValue("1s") Duration retryAfter,
        @DefaultValue("60s") Duration requestTimeout,
        @DefaultValue @Valid Cache cache,
        @DefaultValue @Valid Batching batching,
        @DefaultValue @Valid Isolation isolation) {

    /**
     * Loaded models, least recently used evicted first.
     *
     * @param maxModels models held at once
     * @param maxMemory approximate budget: the sum of the loaded models' artifact sizes
     */
    public record Cache(@DefaultValue("8") @Min(1) int maxModels, @DefaultValue("2GB") DataSize maxMemory) {
    }

    /**
     * Dynamic batching: a worker takes the oldest waiting request, adds every request already
     * queued, then waits up to {@code maxDelay} for more, up to {@code maxBatchSize} instances.
     */
    public record Batching(@DefaultValue("true") boolean enabled, @DefaultValue("32") @Min(1) int maxBatchSize,
            @DefaultValue("2ms") Duration maxDelay) {
    }

    /**
     * A model whose artifact holds TorchScript (uploaded code) runs in a child JVM of its own, with a
     * scrubbed environment, started on first use and stopped when the model leaves the cache.
     *
     * @param jvmOptions        the child JVM's options; the model's weights live outside its heap
     * @param startTimeout      how long a child may take to start and load its model
     * @param requestTimeout    how long one batch may take in the child; past it the child is killed
     *                          and the batch's requests get 503 with Retry-After
     * @param maxRestartBackoff the longest wait before restarting a model that keeps failing
     */
    public record Isolation(@DefaultValue("-Xmx256m") List<String> jvmOptions,
            @DefaultValue("120s") Duration startTimeout, @DefaultValue("30s") Duration requestTimeout,
            @DefaultValue("60s") Duration maxRestartBackoff) {
    }
}

package dev.graft.inference;

import java.util.function.IntConsumer;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.springframework.stereotype.Component;

/**
 * Serving metrics: {@code graft.inference.latency} (per model, with a histogram for percentiles),
 * {@code graft.inference.batch.size} (instances per forward pass, per model),
 * {@code graft.inference.cache} (hit, miss, eviction) and {@code graft.inference.models.loaded}.
 * Models are few (the cache holds at most graft.inference.cache.max-models), so a model tag stays
 * a small set.
 */
@Component
class InferenceMetrics {

    private final MeterRegistry registry;
    private final Counter hits;
    private final Counter misses;
    private final Counter evictions;

    InferenceMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.hits = cache("hit");
        this.misses = cache("miss");
        this.evictions = cache("eviction");
    }

    <T> void loadedModels(T cache, ToDoubleFunction<T> count) {
        Gauge.builder("graft.inference.models.loaded", cache, count).description("Models loaded for prediction")
                .register(registry);
    }

    Timer latency(String model) {
        return Timer.builder("graft.inference.latency").description("Predict requests, queueing included")
                .tag("model", model).publishPercentileHistogram().register(registry);
    }

    IntConsumer batchSizes(String model) {
        DistributionSummary summary = DistributionSummary.builder("graft.inference.batch.size")
                .description("Instances per forward pass").tag("model", model).register(registry);
        return summary::record;
    }

    void hit() {
        hits.increment();
    }

    void miss() {
        misses.increment();
    }

    void eviction() {
        evictions.increment();
    }

    private Counter cache(String result) {
        return Counter.builder("graft.inference.cache").description("Loaded-model cache lookups and evictions")
                .tag("result", result).register(registry);
    }
}

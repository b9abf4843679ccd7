package dev.graft.inference;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;

import dev.graft.model.ModelService;
import dev.graft.model.ServableModel;
import dev.graft.security.Caller;
import dev.graft.security.Limits;
import dev.graft.training.Input;
import dev.graft.web.ApiProblem;
import dev.graft.web.FieldError;
import dev.graft.web.ProblemType;

/**
 * Predictions with fine-tuned models. Instances are validated against the model first, so only
 * good inputs reach the shared batch; the model is loaded on first use and kept in
 * {@link LoadedModels}.
 */
@Service
public class InferenceService {

    /** A model unloaded between lookup and submit is loaded again; this bounds the retries. */
    private static final int ATTEMPTS = 3;

    private final ModelService models;
    private final LoadedModels loaded;
    private final InferenceProperties properties;
    private final InferenceMetrics metrics;
    private final Limits limits;

    InferenceService(ModelService models, LoadedModels loaded, InferenceProperties properties, InferenceMetrics metrics,
            Limits limits) {
        this.limits = limits;
        this.models = models;
        this.loaded = loaded;
        this.properties = properties;
        this.metrics = metrics;
    }

    /**
     * A request let through to have its body read: the caller is within its prediction rate and
     * has a servable model of this id. Checked before the body is read, so a request for a model
     * that is not there, or over the rate, costs no memory however large it is.
     */
    record Admitted(Caller caller, ServableModel model, int topK, long startNanos) {
    }

    /** The checks that need no body: the key's rate, then the model, then {@code top_k}. */
    public Admitted admit(Caller caller, String id, Integer topK) {
        long start = System.nanoTime();
        limits.checkPredictionRate(caller);
        ServableModel model = models.servable(caller, id);
        return new Admitted(caller, model, topK(topK, model), start);
    }

    /** KServe V1 {@code {"instances": [...]}}. */
    public Predictions predict(Admitted admitted, JsonNode body) {
        JsonNode instances = body == null || !body.isObject() ? null : body.get("instances");
        if (instances == null || !instances.isArray()) {
            throw ApiProblem.invalidField("/instances", "is required: an array of instances");
        }
        checkCount(instances.size(), "/instances");
        InstanceDecoder decoder = decoder(admitted);
        return run(admitted, decoder.json(instances), decoder);
    }

    /** Uploaded image files, one instance each. */
    public Predictions predictFiles(Admitted admitted, List<byte[]> files) {
        checkCount(files.size(), "file");
        InstanceDecoder decoder = decoder(admitted);
        return run(admitted, decoder.files(files), decoder);
    }

    private InstanceDecoder decoder(Admitted admitted) {
        return new InstanceDecoder(admitted.model().descriptor(), properties.maxImagePixels(), properties.maxRequestPixels());
    }

    private Predictions run(Admitted admitted, List<Input> inputs, InstanceDecoder decoder) {
        if (!decoder.errors().isEmpty()) {
            throw ApiProblem.unprocessable(decoder.errors());
        }
        ServableModel model = admitted.model();
        List<float[]> probabilities = infer(admitted.caller(), model, inputs);
        List<String> labels = model.descriptor().labels();
        List<Predictions.Prediction> out = probabilities.stream().map(p -> top(p, labels, admitted.topK())).toList();
        metrics.latency(model.id()).record(System.nanoTime() - admitted.startNanos(), TimeUnit.NANOSECONDS);
        return new Predictions(out);
    }

    private List<float[]> infer(Caller caller, ServableModel model, List<Input> inputs) {
        try {
            return inferLoaded(caller, model, inputs);
        }
        catch (ApiProblem e) {
            throw e;
        }
        catch (RuntimeException e) {
            // Deleted while this request was under way (its files gone, its batcher closed): that is
            // a 404 like any request that comes after the delete, not a 500.
            models.servable(caller, model.id());
            throw e;
        }
    }

    private List<float[]> inferLoaded(Caller caller, ServableModel model, List<Input> inputs) {
        for (int attempt = 1;; attempt++) {
            ServedModel served = loaded.acquire(model);
            try {
                return served.submit(inputs).get(properties.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
            }
            catch (DynamicBatcher.Unloaded e) {
                if (attempt == ATTEMPTS) {
                    throw unloaded(caller, model);
                }
            }
            catch (DynamicBatcher.QueueFull e) {
                throw busy("Model " + model.id() + " has " + properties.queueSize() + " requests waiting; retry");
            }
            catch (TimeoutException e) {
                throw busy("Model " + model.id() + " did not answer within " + properties.requestTimeout());
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw busy("Interrupted");
            }
            catch (ExecutionException e) {
                if (e.getCause() instanceof IsolatedModel.Unavailable unavailable) {
                    throw busy(unavailable.getMessage(), unavailable.retryAfter());
                }
                if (!(e.getCause() instanceof DynamicBatcher.Unloaded)) {
                    throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
                }
                if (attempt == ATTEMPTS) {
                    throw unloaded(caller, model);
                }
            }
        }
    }

    private ApiProblem unloaded(Caller caller, ServableModel model) {
        models.servable(caller, model.id());
        return busy("Model " + model.id() + " keeps being unloaded; retry");
    }

    private ApiProblem busy(String detail) {
        return busy(detail, properties.retryAfter());
    }

    private ApiProblem busy(String detail, Duration retryAfter) {
        ApiProblem problem = new ApiProblem(HttpStatus.SERVICE_UNAVAILABLE, ProblemType.SERVICE_UNAVAILABLE, detail);
        // Whole seconds, rounded up, so that a client never comes back before a restart is due.
        long seconds = retryAfter.toSeconds() + (retryAfter.toNanosPart() > 0 ? 1 : 0);
        problem.getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, seconds)));
        return problem;
    }

    private void checkCount(int count, String location) {
        if (count == 0) {
            throw ApiProblem.unprocessable(List.of(new FieldError(location, "is empty; send at least one instance")));
        }
        if (count > properties.maxInstances()) {
            throw ApiProblem.unprocessable(List.of(new FieldError(location, "has " + count
                    + " instances; at most " + properties.maxInstances() + " are accepted per request")));
        }
    }

    private int topK(Integer topK, ServableModel model) {
        int labels = model.descriptor().labels().size();
        if (topK == null) {
            return Math.min(properties.defaultTopK(), labels);
        }
        if (topK < 1) {
            throw ApiProblem.invalidField("top_k", "must be at least 1, was " + topK);
        }
        return Math.min(topK, labels);
    }

    private static Predictions.Prediction top(float[] p, List<String> labels, int k) {
        List<Predictions.LabelScore> best = IntStream.range(0, p.length).boxed()
                .sorted(Comparator.<Integer>comparingDouble(i -> -p[i]).thenComparing(i -> i)).limit(k)
                .map(i -> new Predictions.LabelScore(labels.get(i), p[i])).toList();
        return new Predictions.Prediction(best.get(0).label(), best.get(0).score(), best);
    }
}

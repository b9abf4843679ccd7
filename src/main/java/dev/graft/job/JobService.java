package dev.graft.job;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Locale;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.graft.basemodel.BaseModelCatalog;
import dev.graft.dataset.DatasetService;
import dev.graft.model.ModelRegistry;
import dev.graft.security.Caller;
import dev.graft.security.Limits;
import dev.graft.dataset.DatasetView;
import dev.graft.basemodel.Modality;
import dev.graft.training.HyperparameterOverrides;
import dev.graft.training.Hyperparameters;
import dev.graft.training.Strategy;
import dev.graft.training.TrainingDefaults;
import dev.graft.training.TrainingProperties;
import dev.graft.web.ApiProblem;
import dev.graft.web.Hashes;
import dev.graft.web.FieldError;
import dev.graft.web.Ids;
import dev.graft.web.ListPage;
import dev.graft.web.ProblemType;

/**
 * The fine-tuning jobs feature, API side: creates jobs (validated in full before anything is
 * queued, idempotent under an {@code Idempotency-Key}), reads them, and cancels them. Workers
 * take jobs through {@link JobQueue}.
 */
@Service
public class JobService {

    private static final Logger log = LoggerFactory.getLogger(JobService.class);
    private static final SecureRandom SEEDS = new SecureRandom();

    private final JobRepository jobs;
    private final JobEventRepository events;
    private final DatasetService datasets;
    private final BaseModelCatalog catalog;
    private final JobProperties properties;
    private final JobViews views;
    private final JsonMapper json;
    private final TransactionTemplate transactions;
    private final ModelRegistry models;
    private final Limits limits;
    private final TrainingProperties training;

    JobService(JobRepository jobs, JobEventRepository events, DatasetService datasets, BaseModelCatalog catalog,
            JobProperties properties, JobViews views, JsonMapper json, TransactionTemplate transactions,
            ModelRegistry models, Limits limits, TrainingProperties training) {
        this.training = training;
        this.models = models;
        this.limits = limits;
        this.jobs = jobs;
        this.events = events;
        this.datasets = datasets;
        this.catalog = catalog;
        this.properties = properties;
        this.views = views;
        this.json = json;
        this.transactions = transactions;
    }

    /** A created job, or the one an earlier request with the same idempotency key created. */
    public record Created(JobView job, boolean replayed) {
    }

    public Created create(Caller caller, JsonNode body, String idempotencyKey) {
        String tenant = caller.tenantId();
        if (idempotencyKey != null && (idempotencyKey.isBlank() || idempotencyKey.length() > 255)) {
            throw ApiProblem.invalidField("Idempotency-Key", "must be 1 to 255 characters");
        }
        JobSpec spec = JobRequestParser.parse(body, properties.maxDurationLimit().toSeconds());
        String requestHash = Hashes.sha256(canonical(body));
        if (idempotencyKey != null) {
            jobs.expireIdempotencyKey(tenant, idempotencyKey, properties.idempotencyWindow());
            Optional<Created> replay = replay(tenant, idempotencyKey, requestHash);
            if (replay.isPresent()) {
                return replay.get();
            }
        }
        JobRepository.NewJob job = plan(tenant, spec, idempotencyKey, requestHash);
        try {
            transactions.executeWithoutResult(tx -> {
                jobs.insert(job);
                events.append(job.id(), "info", "created", "Job created: " + job.strategy() + " fine-tuning of "
                        + job.baseModel() + " on " + job.datasetId(), null);
                events.append(job.id(), "info", "queued", "Job queued", null);
            });
        }
        catch (DuplicateKeyException e) {
            // Two requests with one key raced; the other inserted first.
            return replay(tenant, idempotencyKey, requestHash).orElseThrow(() -> e);
        }
        log.info("Job {} queued: {} on {} ({})", job.id(), job.baseModel(), job.datasetId(), job.strategy());
        return new Created(views.job(find(tenant, job.id())), false);
    }

    private Optional<Created> replay(String tenant, String key, String requestHash) {
        return jobs.findByIdempotencyKey(tenant, key).map(existing -> {
            if (!existing.requestHash().equals(requestHash)) {
                throw new ApiProblem(HttpStatus.CONFLICT, ProblemType.CONFLICT, "Idempotency-Key '" + key
                        + "' was already used with a different request body (job " + existing.id() + ")");
            }
            return new Created(views.job(existing), true);
        });
    }

    /** The semantic checks, then the resolution of "auto". */
    private JobRepository.NewJob plan(String tenant, JobSpec spec, String idempotencyKey, String requestHash) {
        List<FieldError> errors = new ArrayList<>();
        Optional<DatasetView> dataset = datasets.lookup(tenant, spec.dataset());
        if (dataset.isEmpty()) {
            errors.add(new FieldError("/dataset", "no dataset with id '" + spec.dataset() + "'"));
        }
        else if (!"ready".equals(dataset.get().status())) {
            errors.add(new FieldError("/dataset", "dataset is " + dataset.get().status() + ", not ready"));
        }
        Optional<BaseModelCatalog.CatalogEntry> base = catalog.find(tenant, spec.baseModel());
        if (base.isEmpty()) {
            errors.add(new FieldError("/base_model", "no base model '" + spec.baseModel() + "'; GET /v1/models?kind=base lists them"));
        }
        else if (!base.get().available()) {
            errors.add(new FieldError("/base_model", base.get().id() + " is not available on this host: " + base.get().unavailableReason()));
            base = Optional.empty();
        }
        if (dataset.isPresent() && base.isPresent()) {
            String modality = DatasetService.modality(dataset.get().format());
            if (!modality.equals(base.get().modality())) {
                errors.add(new FieldError("/base_model", base.get().id() + " takes " + base.get().modality()
                        + " input, but dataset " + spec.dataset() + " is " + dataset.get().format() + " (" + modality + ")"));
            }
            if (!spec.strategy().equals("auto") && !base.get().strategies().contains(spec.strategy())) {
                errors.add(new FieldError("/strategy", base.get().id() + " supports " + base.get().strategies()));
            }
            if (spec.compareBaseline()) {
                String reason = catalog.baselineUnsupported(tenant, base.get());
                if (reason != null) {
                    errors.add(new FieldError("/compare_baseline", reason));
                }
            }
            if (Strategy.FEATURE_EXTRACTION.wireName().equals(spec.strategy())
                    && spec.hyperparameters().get("augment") instanceof String policy
                    && !policy.equals("auto") && !policy.equals(Hyperparameters.Augment.NONE.wireName())) {
                errors.add(new FieldError("/hyperparameters/augment", "feature_extraction caches each example's embedding once, so it cannot augment"));
            }
        }
        if (!errors.isEmpty()) {
            throw ApiProblem.unprocessable(errors);
        }
        // Every queued or running job will register a model: count them with the models.
        limits.checkModelQuota(models.countOwned(tenant) + jobs.countActive(tenant));
        DatasetView ds = dataset.get();
        BaseModelCatalog.CatalogEntry model = base.get();
        long seed = spec.seed() != null ? spec.seed() : SEEDS.nextInt(Integer.MAX_VALUE);
        Map<String, Object> hyperparameters;
        String search = null;
        if (spec.strategy().equals(Strategy.AUTO.wireName())) {
            // What the client fixed, "auto" for the rest: the worker's search fills them in.
            hyperparameters = new LinkedHashMap<>();
            for (String knob : TrainingDefaults.toWire(Hyperparameters.defaults()).keySet()) {
                hyperparameters.put(knob, spec.hyperparameters().getOrDefault(knob, "auto"));
            }
            search = json.writeValueAsString(Map.of("status", "pending", "budget", training.searchBudget()));
        }
        else {
            Collection<Integer> counts = ds.classCounts().values();
            TrainingDefaults.DataSize size = new TrainingDefaults.DataSize(Modality.valueOf(model.modality().toUpperCase(Locale.ROOT)),
                    ds.split().trainExamples(), Collections.min(counts), Collections.max(counts));
            hyperparameters = TrainingDefaults.toWire(TrainingDefaults.resolve(Strategy.fromWireName(spec.strategy()),
                    model.pretrained(), size, HyperparameterOverrides.fromWire(spec.hyperparameters()), seed, 0));
        }
        return new JobRepository.NewJob(Ids.newId("ftjob"), tenant, model.id(), ds.id(), spec.strategy(),
                json.writeValueAsString(hyperparameters), seed, spec.validationFraction(), spec.suffix(),
                spec.metadata() == null ? null : json.writeValueAsString(spec.metadata()),
                spec.priority(), properties.maxAttempts(), idempotencyKey, requestHash, spec.compareBaseline(), search,
                spec.maxDurationSeconds() != null ? spec.maxDurationSeconds() : properties.defaultMaxDuration().toSeconds());
    }

    public JobView get(Caller caller, String id) {
        return views.job(find(caller.tenantId(), id));
    }

    public ListPage<JobView> list(Caller caller, String status, String after, Integer limit) {
        int size = ListPage.checkLimit(limit);
        JobStatus filter = null;
        if (status != null) {
            try {
                filter = JobStatus.fromWireName(status);
            }
            catch (IllegalArgumentException e) {
                throw ApiProblem.invalidField("status", "must be one of queued, running, succeeded, failed, cancelled");
            }
        }
        Long before = after == null ? null : jobs.seqOf(caller.tenantId(), after)
                .orElseThrow(() -> ApiProblem.invalidField("after", "no job with id '" + after + "' to continue after"));
        return ListPage.of(jobs.page(caller.tenantId(), before, filter, size + 1), size, JobRow::id).map(views.page());
    }

    /**
     * Queued jobs are cancelled at once. A running job is asked to stop: its worker sees the
     * request within one training step, stops, and marks it cancelled without registering a model.
     * Either way a 200 means the job ends cancelled (see {@link JobRepository#cancel}).
     */
    public JobView cancel(Caller caller, String id) {
        find(caller.tenantId(), id);
        Optional<JobStatus> now = transactions.execute(tx -> {
            Optional<JobStatus> status = jobs.cancel(id);
            if (status.equals(Optional.of(JobStatus.CANCELLED))) {
                events.append(id, "info", "cancelled", "Job cancelled before it started", null);
            }
            else if (status.isPresent()) {
                events.append(id, "info", "cancel_requested", "Cancellation requested; the worker stops within one training step", null);
            }
            return status;
        });
        if (now.isEmpty()) {
            throw new ApiProblem(HttpStatus.CONFLICT, ProblemType.CONFLICT, "Job " + id + " is already "
                    + find(caller.tenantId(), id).status().wireName());
        }
        return get(caller, id);
    }

    public ListPage<JobEventView> events(Caller caller, String id, String after, Integer limit) {
        find(caller.tenantId(), id);
        int size = ListPage.checkLimit(limit);
        long afterSeq = after == null ? 0 : events.eventSeq(id, after)
                .orElseThrow(() -> ApiProblem.invalidField("after", "no event '" + after + "' in job " + id));
        return ListPage.of(events.events(id, afterSeq, size + 1), size, JobEventRepository.EventRow::id).map(views::event);
    }

    public ListPage<CheckpointView> checkpoints(Caller caller, String id, String after, Integer limit) {
        find(caller.tenantId(), id);
        int size = ListPage.checkLimit(limit);
        List<JobEventRepository.CheckpointRow> all = events.checkpoints(id);
        int from = 0;
        if (after != null) {
            from = -1;
            for (int i = 0; i < all.size(); i++) {
                if (all.get(i).id().equals(after)) {
                    from = i + 1;
                }
            }
            if (from < 0) {
                throw ApiProblem.invalidField("after", "no checkpoint '" + after + "' in job " + id);
            }
        }
        List<JobEventRepository.CheckpointRow> rest = all.subList(from, Math.min(all.size(), from + size + 1));
        return ListPage.of(rest, size, JobEventRepository.CheckpointRow::id).map(views::checkpoint);
    }

    /** The job's per-epoch results as CSV (see {@link JobResults}). */
    public String results(Caller caller, String id) {
        find(caller.tenantId(), id);
        return JobResults.csv(events.checkpoints(id), json);
    }

    /** The tenant's job; another tenant's answers 404 exactly like a missing one. */
    JobRow find(String tenant, String id) {
        return jobs.find(tenant, id).orElseThrow(() -> ApiProblem.notFound("fine-tuning job", id));
    }

    /** Key order and whitespace must not make two equal bodies differ. */
    private String canonical(JsonNode body) {
        return json.writeValueAsString(sorted(json.convertValue(body, Object.class)));
    }

    @SuppressWarnings("unchecked")
    private static Object sorted(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new TreeMap<>();
            map.forEach((k, v) -> out.put((String) k, sorted(v)));
            return out;
        }
        if (value instanceof List<?> list) {
            return list.stream().map(JobService::sorted).toList();
        }
        return value;
    }

}

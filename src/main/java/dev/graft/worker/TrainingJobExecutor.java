package dev.graft.worker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

import ai.djl.Device;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

import dev.graft.basemodel.BaseModelCatalog;
import dev.graft.dataset.DatasetService;
import dev.graft.dataset.TrainingExamples;
import dev.graft.job.JobEventRepository;
import dev.graft.job.JobRow;
import dev.graft.model.ModelRegistry;
import dev.graft.storage.ArtifactStore;
import dev.graft.training.BaseModel;
import dev.graft.training.CancellationToken;
import dev.graft.training.DatasetExamples;
import dev.graft.training.DiskCache;
import dev.graft.training.Engines;
import dev.graft.training.Strategy;
import dev.graft.training.TrainingProperties;
import dev.graft.training.TrainingRequest;
import dev.graft.training.TrainingResult;
import dev.graft.training.TrainingRun;
import dev.graft.training.HyperparameterOverrides;
import dev.graft.training.SearchReport;
import dev.graft.training.TrainingData;
import dev.graft.training.TrainingDefaults;
import dev.graft.training.TransferComparison;
import dev.graft.training.TransferReport;
import dev.graft.web.ApiProblem;

/**
 * Runs a fine-tuning job with the training engine: loads the dataset's split, trains from the
 * job's base model (resuming from the job's latest checkpoint when an earlier attempt left one),
 * and hands back the model to register. Checkpoints and the artifact live in the artifact store,
 * so a worker on another machine sharing it can resume the job.
 */
@Component
@ConditionalOnProperty(name = "graft.mode", havingValue = "worker")
class TrainingJobExecutor implements JobExecutor {

    private static final Logger log = LoggerFactory.getLogger(TrainingJobExecutor.class);
    private static final tools.jackson.core.type.TypeReference<Map<String, Object>> MAP = new tools.jackson.core.type.TypeReference<>() { };

    private final DatasetService datasets;
    private final ArtifactStore store;
    private final TrainingProperties training;
    private final JsonMapper json;
    private final BaseModelCatalog catalog;

    TrainingJobExecutor(DatasetService datasets, ArtifactStore store, TrainingProperties training,
            JsonMapper json, BaseModelCatalog catalog) {
        this.catalog = catalog;
        this.datasets = datasets;
        this.store = store;
        this.training = training;
        this.json = json;
    }

    @Override
    public JobOutcome execute(RunningJob running) throws IOException {
        JobRow job = running.job();
        Engines.ensureStarted(training.dataDirectory(), training.threads());
        DiskCache.configure(training.dataDirectory().resolve("cache"), training.cacheMaxSize().toBytes());
        TrainingExamples examples;
        try {
            examples = datasets.load(job.datasetId(), job.validationFraction(), job.seed());
        }
        catch (ApiProblem e) {
            throw JobFailure.invalidData("Dataset " + job.datasetId() + " is gone: " + e.getBody().getDetail());
        }
        TrainingRequest request;
        try {
            request = request(running, examples);
        }
        catch (IllegalArgumentException e) {
            throw JobFailure.invalidData(e.getMessage());
        }
        CancellationToken token = new CancellationToken();
        JobProgress listener = new JobProgress(running, token, checkpointPrefix(job), json);
        TrainingResult result;
        try {
            result = new TrainingRun().run(request, listener, token);
        }
        catch (IllegalArgumentException e) {
            throw JobFailure.invalidData(e.getMessage());
        }
        catch (UncheckedIOException e) {
            // Say why the write failed (a full disk, a read-only mount), not only what was being written.
            Throwable cause = e.getCause();
            throw new JobFailure("storage_error", e.getMessage() + " (" + cause.getClass().getSimpleName() + ": "
                    + cause.getMessage() + ")", true, e);
        }
        try (result) {
            if (result.outcome() == TrainingResult.Outcome.CANCELLED) {
                return stopped(running);
            }
            if (result.outcome() == TrainingResult.Outcome.EARLY_STOPPED) {
                running.event("info", "early_stopped", "Validation loss stopped improving; stopped after epoch "
                        + result.epochsRun() + " and kept the weights of epoch " + result.bestEpoch(),
                        Map.of("epochs_run", result.epochsRun(), "best_epoch", result.bestEpoch()));
            }
            String modelId = modelId(job);
            long bytes = size(result.artifactDirectory());
            var report = result.report();
            running.event("info", "evaluated", String.format(java.util.Locale.ROOT, "%s accuracy %.4f, macro-F1 %.4f, loss %.4f",
                    result.search() == null ? "Validation" : "Cross-validated (out-of-fold, the chosen configuration)",
                    report.accuracy(), report.macroF1(), report.loss()),
                    Map.of("accuracy", report.accuracy(), "macro_f1", report.macroF1(), "loss", report.loss()));
            log.info("Job {} trained {} in {} epochs on {}", job.id(), modelId, result.epochsRun(), running.device());
            Map<String, Object> stored = json.convertValue(report, MAP);
            if (result.search() != null) {
                stored.put("search", json.convertValue(result.search().summary(), MAP));
                running.recordSearch(json.writeValueAsString(result.search()), null, null);
            }
            String transfer = null;
            if (job.compareBaseline()) {
                Map<String, Object> comparison;
                try {
                    comparison = baseline(running, adapted(request, result), result, token);
                }
                catch (TransferComparison.Cancelled e) {
                    return stopped(running);
                }
                transfer = json.writeValueAsString(comparison);
                stored.put("transfer_report", comparison);
            }
            return new JobOutcome.Succeeded(new ModelRegistry.NewModel(modelId, job.tenantId(), job.id(), job.baseModel(), job.datasetId(),
                    DatasetService.modality(examples.format()),
                    json.writeValueAsString(examples.labels()), modelPrefix(job), bytes, json.writeValueAsString(stored)),
                    modelPrefix(job), transfer);
        }
    }

    private JobOutcome stopped(RunningJob running) {
        return switch (running.stopReason()) {
            case LEASE_LOST -> throw new LeaseLostException(running.job().id());
            case SHUTDOWN -> new JobOutcome.Interrupted();
            default -> new JobOutcome.Cancelled(0);
        };
    }

    /** The job in the engine's terms: an explicit run as resolved at creation, or strategy auto's search (resumed). */
    private TrainingRequest request(RunningJob running, TrainingExamples examples) throws IOException {
        JobRow job = running.job();
        TrainingData data = DatasetExamples.trainingData(examples);
        BaseModel base = base(job.baseModel());
        Map<String, Object> hp = json.readValue(job.hyperparameters(), MAP);
        Path resume = resumePoint(running);
        Path checkpoints = store.directory(checkpointPrefix(job));
        if (job.search() == null) {
            Strategy strategy = Strategy.fromWireName(job.strategy());
            return new TrainingRequest(base, strategy, TrainingDefaults.resolve(strategy, base, data,
                    HyperparameterOverrides.fromWire(hp), job.seed(), training.threads()), data, job.datasetId(),
                    outputDirectory(job), checkpoints, resume, device(running.device()));
        }
        Map<String, Object> stored = json.readValue(job.search(), MAP);
        // Once the search chose, the job's hyperparameters are the winner's; what the client fixed stays in the search.
        SearchReport previous = stored.containsKey("candidates") ? json.convertValue(stored, SearchReport.class) : null;
        double budget = stored.get("budget") instanceof Number n ? n.doubleValue() : training.searchBudget();
        HyperparameterOverrides given = HyperparameterOverrides.fromWire(previous != null ? previous.given() : hp);
        return new TrainingRequest(base, Strategy.AUTO, dev.graft.training.Hyperparameters.builder().seed(job.seed())
                .threads(training.threads()).build(), data, job.datasetId(), outputDirectory(job), checkpoints,
                resume, device(running.device()), new TrainingRequest.Search(given, budget, previous));
    }

    /** For the baseline pass, an auto job is the configuration its search chose. */
    private static TrainingRequest adapted(TrainingRequest request, TrainingResult result) {
        return request.strategy() != Strategy.AUTO ? request : new TrainingRequest(request.base(), result.strategy(),
                result.hyperparameters(), request.data(), request.datasetId(), request.outputDirectory(), null, null,
                request.device());
    }

    /**
     * compare_baseline: the probe and scratch runs, the verdict as events (negative transfer as a
     * warning); returns the report as the job and the model store it.
     */
    private Map<String, Object> baseline(RunningJob running, TrainingRequest request, TrainingResult result, CancellationToken token)
            throws IOException {
        JobRow job = running.job();
        running.event("info", "baseline_started", "compare_baseline: training a linear probe on the frozen base and "
                + "the architecture from scratch with the same data, budget and seed", null);
        TransferReport report = TransferComparison.compare(request, result,
                store.directory(attemptPrefix(job) + "/baseline"), watching(running, token));
        Map<String, Object> figures = json.convertValue(report, MAP);
        String summary = String.format(java.util.Locale.ROOT, "Transfer %s: %.1f points over training from scratch "
                + "(95%% interval %.1f to %.1f); probe %.3f, transfer %.3f, scratch %.3f", report.verdict(), report.gainPoints(),
                report.gainInterval().get(0), report.gainInterval().get(1), report.probe().accuracy(),
                report.transfer().accuracy(), report.scratch().accuracy());
        running.event("info", "transfer_report", summary, figures);
        if ("negative".equals(report.verdict())) {
            running.event("warn", "negative_transfer", "Negative transfer: the model trained from scratch did better than "
                    + "the adapted one. " + summary, figures);
        }
        return figures;
    }

    /** The extra runs stop like the main one: on cancel, shutdown or a lost lease. */
    private static CancellationToken watching(RunningJob running, CancellationToken token) {
        return CancellationToken.when(() -> token.isCancelled() || running.stopReason() != RunningJob.StopReason.NONE);
    }

    private BaseModel base(String id) throws IOException {
        return catalog.resolve(id).orElseThrow(() -> JobFailure.invalidData("Base model " + id + " no longer exists"));
    }

    /** A fresh directory for this attempt's artifact; a graceful restart reuses the attempt number. */
    private Path outputDirectory(JobRow job) throws IOException {
        store.deleteAll(modelPrefix(job));
        return store.directory(modelPrefix(job));
    }

    /** The newest checkpoint a worker holding the lease recorded, in any attempt. */
    private Path resumePoint(RunningJob running) throws IOException {
        var latest = running.latestCheckpoint();
        if (latest.isEmpty()) {
            return null;
        }
        JobEventRepository.CheckpointRow checkpoint = latest.get();
        running.event("info", "resumed", "Resuming from the checkpoint of epoch " + checkpoint.epoch()
                + " (step " + checkpoint.step() + ") left by an earlier attempt",
                Map.of("epoch", checkpoint.epoch(), "step", checkpoint.step(), "attempt", running.job().attempts()));
        return store.directory(checkpoint.artifact());
    }

    static String modelPrefix(JobRow job) {
        return modelsOf(job.id()) + "/attempt-" + job.attempts();
    }

    /** Per attempt, so a worker that lost its lease cannot write into the new attempt's checkpoints. */
    static String checkpointPrefix(JobRow job) {
        return attemptPrefix(job) + "/checkpoints";
    }

    /** This attempt's own files under the job's: checkpoints, and the scratch runs of pilots and baselines. */
    private static String attemptPrefix(JobRow job) {
        return checkpointsOf(job.id()) + "/attempt-" + job.attempts();
    }

    /** Where every attempt of a job writes its model. */
    static String modelsOf(String jobId) {
        return "models/" + jobId;
    }

    /** Where every attempt of a job writes its checkpoints. */
    static String checkpointsOf(String jobId) {
        return "jobs/" + jobId;
    }

    /** OpenAI's pattern {@code ft:<base>:<suffix>:<short-id>}, the base being the root base model. */
    static String modelId(JobRow job) {
        String root = job.baseModel().startsWith("ft:") ? job.baseModel().split(":")[1] : job.baseModel();
        String shortId = job.id().substring(job.id().length() - 8);
        return "ft:" + root + ":" + (job.suffix() == null ? "" : job.suffix()) + ":" + shortId;
    }

    private static Device device(String device) {
        if (device.startsWith("gpu:")) {
            return Device.gpu(Integer.parseInt(device.substring(4)));
        }
        return Device.cpu();
    }

    private static long size(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }
}

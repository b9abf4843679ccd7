package dev.graft.worker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
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
import dev.graft.training.Engines;
import dev.graft.training.Strategy;
import dev.graft.training.TrainingProperties;
import dev.graft.training.TrainingRequest;
import dev.graft.training.TrainingResult;
import dev.graft.training.TrainingRun;
import dev.graft.transfer.StrategyPilots;
import dev.graft.transfer.TransferComparison;
import dev.graft.transfer.TransferReport;
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
    private static final tools.jackson.core.type.TypeReference<Map<String, dev.graft.job.Hyperparameters>> CANDIDATES =
            new tools.jackson.core.type.TypeReference<>() { };

    private final DatasetService datasets;
    private final ArtifactStore store;
    private final TrainingProperties training;
    private final JsonMapper json;
    private final TrainingInputs inputs;
    private final BaseModelCatalog catalog;

    TrainingJobExecutor(DatasetService datasets, ArtifactStore store, TrainingProperties training,
            JsonMapper json, BaseModelCatalog catalog) {
        this.catalog = catalog;
        this.datasets = datasets;
        this.store = store;
        this.training = training;
        this.json = json;
        this.inputs = new TrainingInputs();
    }

    @Override
    public JobOutcome execute(RunningJob running) throws IOException {
        JobRow job = running.job();
        Engines.ensureStarted(training.dataDirectory(), training.threads());
        TrainingExamples examples;
        try {
            examples = datasets.load(job.datasetId(), job.validationFraction(), job.seed());
        }
        catch (ApiProblem e) {
            throw JobFailure.invalidData("Dataset " + job.datasetId() + " is gone: " + e.getBody().getDetail());
        }
        TrainingRequest request;
        Piloted piloted = null;
        try {
            Path resume = resumePoint(running);
            request = new TrainingRequest(base(job.baseModel()), Strategy.fromWireName(job.strategy()),
                    hyperparameters(job, json.readValue(job.hyperparameters(), dev.graft.job.Hyperparameters.class)),
                    inputs.data(examples), job.datasetId(), outputDirectory(job), store.directory(checkpointPrefix(job)),
                    resume, device(running.device()));
            if (job.strategyCandidates() != null && resume == null) {
                piloted = pilots(running, request);
                request = new TrainingRequest(request.base(), piloted.strategy(), piloted.hyperparameters(), request.data(),
                        request.datasetId(), request.outputDirectory(), request.checkpointDirectory(), null, request.device());
            }
        }
        catch (IllegalArgumentException e) {
            throw JobFailure.invalidData(e.getMessage());
        }
        catch (TransferComparison.Cancelled e) {
            return stopped(running);
        }
        int epochs = request.hyperparameters().epochs();
        CancellationToken token = new CancellationToken();
        JobProgress listener = new JobProgress(running, token, epochs, checkpointPrefix(job));
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
            running.event("info", "evaluated", String.format(java.util.Locale.ROOT,
                    "Validation accuracy %.4f, macro-F1 %.4f, loss %.4f", report.accuracy(), report.macroF1(), report.loss()),
                    Map.of("accuracy", report.accuracy(), "macro_f1", report.macroF1(), "loss", report.loss()));
            log.info("Job {} trained {} in {} epochs on {}", job.id(), modelId, result.epochsRun(), running.device());
            Map<String, Object> stored = json.convertValue(report, MAP);
            if (piloted != null) {
                stored.put("strategy_selection", piloted.figures());
            }
            String transfer = null;
            if (job.compareBaseline()) {
                Map<String, Object> comparison;
                try {
                    comparison = baseline(running, request, result, token);
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

    private dev.graft.training.Hyperparameters hyperparameters(JobRow job, dev.graft.job.Hyperparameters resolved) {
        return inputs.hyperparameters(resolved, job.seed(), training.threads());
    }

    /** What the pilots of strategy "auto" chose, ready to train, and their figures for the model's report. */
    private record Piloted(Strategy strategy, dev.graft.training.Hyperparameters hyperparameters, Map<String, Object> figures) {
    }

    /** Strategy "auto": brief pilots of each candidate on a slice of the data; the choice is written to the job. */
    private Piloted pilots(RunningJob running, TrainingRequest request) throws IOException {
        JobRow job = running.job();
        // In the enum's order, feature extraction first, whatever order the jsonb column kept: it wins ties.
        Map<Strategy, dev.graft.job.Hyperparameters> resolved = new EnumMap<>(Strategy.class);
        Map<Strategy, dev.graft.training.Hyperparameters> candidates = new EnumMap<>(Strategy.class);
        json.readValue(job.strategyCandidates(), CANDIDATES).forEach((strategy, hp) -> {
            resolved.put(Strategy.fromWireName(strategy), hp);
            candidates.put(Strategy.fromWireName(strategy), hyperparameters(job, hp));
        });
        running.event("info", "pilots_started", "Strategy auto: piloting " + candidates.keySet().stream()
                .map(Strategy::wireName).collect(java.util.stream.Collectors.joining(" and ")) + " on a slice of the data", null);
        StrategyPilots.Selection selection = StrategyPilots.choose(request, candidates,
                store.directory(attemptPrefix(job) + "/pilots"), watching(running, new CancellationToken()));
        Strategy chosen = Strategy.fromWireName(selection.chosen());
        Map<String, Object> figures = json.convertValue(selection, MAP);
        running.selectStrategy(selection.chosen(), json.writeValueAsString(resolved.get(chosen)));
        running.event("info", "strategy_selected", "Strategy auto chose " + selection.chosen() + ": " + selection.pilots().stream()
                .map(p -> String.format(java.util.Locale.ROOT, "%s %.3f", p.strategy(), p.accuracy()))
                .collect(java.util.stream.Collectors.joining(", ")) + " validation accuracy after brief pilots on "
                + selection.trainExamples() + " train examples", figures);
        return new Piloted(chosen, candidates.get(chosen), figures);
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

package dev.graft.worker;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import tools.jackson.databind.json.JsonMapper;

import dev.graft.training.CancellationToken;
import dev.graft.training.EpochStats;
import dev.graft.training.SearchReport;
import dev.graft.training.SearchUpdate;
import dev.graft.training.StepProgress;
import dev.graft.training.TrainingListener;
import dev.graft.training.TrainingRequest;

/**
 * Progress, epoch and search events to the job, and cancellation from the job to the engine. The
 * search's state is written to the job after every fold run: it is the search's checkpoint.
 */
final class JobProgress implements TrainingListener {

    private final RunningJob running;
    private final CancellationToken token;
    private final String checkpointPrefix;
    private final JsonMapper json;
    private long lastProgress;
    private long globalStep;
    private long totalSteps;
    private int epochs;
    /** While the search runs, steps are fold runs': they stop the job but are not its progress. */
    private boolean searching;

    JobProgress(RunningJob running, CancellationToken token, String checkpointPrefix, JsonMapper json) {
        this.running = running;
        this.token = token;
        this.checkpointPrefix = checkpointPrefix;
        this.json = json;
    }

    @Override
    public void onStep(StepProgress step) {
        // The engine checks the token before its next step: a stop takes effect within one step.
        if (running.stopReason() != RunningJob.StopReason.NONE) {
            token.cancel();
            return;
        }
        if (searching) {
            return;
        }
        epochs = step.epochs();
        globalStep = step.globalStep();
        totalSteps = (long) step.stepsPerEpoch() * epochs;
        long now = System.nanoTime();
        if (now - lastProgress > 1_000_000_000L) {
            lastProgress = now;
            Map<String, Object> metrics = new LinkedHashMap<>();
            metrics.put("step_loss", step.loss());
            metrics.put("step_accuracy", step.accuracy());
            metrics.put("samples_per_second", step.samplesPerSecond());
            metrics.put("eta_seconds", step.etaSeconds());
            running.progress(step.epoch(), epochs, step.globalStep(), totalSteps, metrics);
        }
    }

    @Override
    public void onEpoch(EpochStats stats) {
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("epoch", stats.epoch());
        metrics.put("train_loss", stats.trainLoss());
        metrics.put("train_accuracy", stats.trainAccuracy());
        if (!Float.isNaN(stats.validationLoss())) {
            metrics.put("valid_loss", stats.validationLoss());
            metrics.put("valid_accuracy", stats.validationAccuracy());
        }
        metrics.put("seconds", stats.seconds());
        running.event("info", "epoch", Float.isNaN(stats.validationLoss())
                ? String.format(Locale.ROOT, "Epoch %d/%d: train loss %.4f", stats.epoch(), epochs, stats.trainLoss())
                : String.format(Locale.ROOT, "Epoch %d/%d: train loss %.4f, valid loss %.4f, valid accuracy %.4f",
                        stats.epoch(), epochs, stats.trainLoss(), stats.validationLoss(), stats.validationAccuracy()), metrics);
        running.progress(stats.epoch(), epochs, globalStep, totalSteps, metrics);
        String checkpoint = checkpointPrefix + "/" + TrainingRequest.checkpointName(stats.epoch());
        running.checkpoint(stats.epoch(), globalStep, metrics, checkpoint);
        running.event("info", "checkpoint", "Checkpoint saved after epoch " + stats.epoch(), Map.of("epoch", stats.epoch()));
        if (running.stopReason() != RunningJob.StopReason.NONE) {
            token.cancel();
        }
    }

    @Override
    public void onSearch(SearchUpdate update) {
        SearchReport report = update.report();
        String state = json.writeValueAsString(report);
        switch (update.kind()) {
            case STARTED -> {
                searching = true;
                running.recordSearch(state, null, null);
                long done = report.candidates().stream().mapToLong(c -> c.rungs().stream().mapToLong(r -> r.folds().size()).sum()).sum();
                String how = report.evaluation().equals("cross_validation")
                        ? report.folds() + "-fold cross-validation over " + report.labelledExamples() + " labelled examples"
                        : "the validation split";
                running.event("info", done > 0 ? "search_resumed" : "search_started", String.format(Locale.ROOT,
                        "Strategy auto: %s %d candidates scored by %s, within %.1f default runs (finalists train for %.0f%% of "
                                + "a default run)%s", done > 0 ? "resuming the search over" : "searching", report.candidates().size(),
                        how, report.budget(), 100 * report.budgetFraction(), done > 0 ? "; " + done + " fold runs already scored" : ""),
                        Map.of("candidates", report.candidates().stream().map(SearchReport.Candidate::name).toList(),
                                "folds", report.folds(), "budget", report.budget(), "budget_fraction", report.budgetFraction(),
                                "fold_runs_done", done));
            }
            case FOLD -> running.recordSearch(state, null, null);
            case RUNG -> {
                SearchReport.Rung rung = update.candidate().last();
                running.event("info", "search_candidate", String.format(Locale.ROOT,
                        "%s: %.3f ± %.3f held-out accuracy over %d folds (rung %d, %d epochs, %.1f s)", update.candidate().name(),
                        rung.mean(), rung.sd(), rung.folds().size(), rung.rung(), rung.epochs(), rung.seconds()),
                        Map.of("candidate", update.candidate().name(), "rung", rung.rung(), "mean", rung.mean(), "sd", rung.sd(),
                                "epochs", rung.epochs(), "seconds", rung.seconds()));
            }
            case CHOSEN -> {
                searching = false;
                var chosen = update.candidate();
                Map<String, Object> hp = new LinkedHashMap<>(chosen.hyperparameters());
                hp.put("n_epochs", chosen.last().epochs());
                running.recordSearch(state, chosen.strategy(), json.writeValueAsString(hp));
                running.event("info", "search_chosen", report.note(), Map.of("chosen", chosen.name(), "strategy", chosen.strategy(),
                        "mean", chosen.last().mean(), "sd", chosen.last().sd()));
                if (Boolean.TRUE.equals(report.negativeTransferAvoided())) {
                    running.event("warn", "negative_transfer_avoided", report.note(), Map.of("chosen", chosen.name()));
                }
                running.event("info", "refit_started", String.format(Locale.ROOT, "Refitting %s on all %d labelled examples "
                        + "for %d epochs", chosen.name(), report.refitExamples(), chosen.last().epochs()),
                        Map.of("examples", report.refitExamples(), "epochs", chosen.last().epochs()));
            }
            default -> throw new IllegalStateException("Unknown search update " + update.kind());
        }
        if (running.stopReason() != RunningJob.StopReason.NONE) {
            token.cancel();
        }
    }
}

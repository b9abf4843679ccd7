package dev.graft.worker;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.graft.training.CancellationToken;
import dev.graft.training.EpochStats;
import dev.graft.training.StepProgress;
import dev.graft.training.TrainingListener;

/** Progress and epoch events to the job, and cancellation from the job to the engine. */
final class JobProgress implements TrainingListener {

    private final RunningJob running;
    private final CancellationToken token;
    private final int epochs;
    private final String checkpointPrefix;
    private long lastProgress;
    private long globalStep;
    private long totalSteps;

    JobProgress(RunningJob running, CancellationToken token, int epochs, String checkpointPrefix) {
        this.running = running;
        this.token = token;
        this.epochs = epochs;
        this.checkpointPrefix = checkpointPrefix;
    }

    @Override
    public void onStep(StepProgress step) {
        // The engine checks the token before its next step: a stop takes effect within one step.
        if (running.stopReason() != RunningJob.StopReason.NONE) {
            token.cancel();
            return;
        }
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
            running.progress(step.epoch(), epochs, step.globalStep(), (long) step.stepsPerEpoch() * epochs, metrics);
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
        running.event("info", "epoch", String.format(java.util.Locale.ROOT, "Epoch %d/%d: train loss %.4f, valid loss %.4f, valid accuracy %.4f",
                stats.epoch(), epochs, stats.trainLoss(), stats.validationLoss(), stats.validationAccuracy()), metrics);
        running.progress(stats.epoch(), epochs, globalStep, totalSteps, metrics);
        String checkpoint = checkpointPrefix + String.format(java.util.Locale.ROOT, "/epoch-%04d", stats.epoch());
        running.checkpoint(stats.epoch(), globalStep, metrics, checkpoint);
        running.event("info", "checkpoint", "Checkpoint saved after epoch " + stats.epoch(), Map.of("epoch", stats.epoch()));
        if (running.stopReason() != RunningJob.StopReason.NONE) {
            token.cancel();
        }
    }
}

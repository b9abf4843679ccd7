package dev.graft.training;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.graft.basemodel.Architectures;

/**
 * The baseline pass of {@code compare_baseline}: after the adapted model is trained, trains a
 * linear probe on the frozen base and the base's architecture from scratch (same data, budget and
 * seed), probes on 25% and 50% of the train split for the learning curve, and compares them on the
 * validation split. Runs where the job runs, in a worker.
 */
public final class TransferComparison {

    private static final Logger log = LoggerFactory.getLogger(TransferComparison.class);
    /** A gain of more than this many points from 50% to 100% of the data counts as still rising. */
    static final double RISING_POINTS = 1.0;
    private static final double[] CURVE = {0.25, 0.5};

    private TransferComparison() {
    }

    /** Why a base cannot be compared, or null if it can: it must carry knowledge and have a Graft architecture. */
    public static String unsupportedReason(BaseModel base) {
        if (base instanceof BaseModel.TorchScript) {
            return "an imported TorchScript module has no Graft architecture to train from scratch";
        }
        if (base instanceof BaseModel.Architecture a && !Architectures.isSentenceEncoder(a.id())) {
            return a.id() + " is not pretrained: transfer and scratch would be the same run";
        }
        return null;
    }

    /**
     * @param request the job's request, already run
     * @param adapted its result (its model must still be open)
     * @param work    a scratch directory for the extra runs' artifacts, deleted afterwards
     */
    public static TransferReport compare(TrainingRequest request, TrainingResult adapted, Path work, CancellationToken cancel)
            throws IOException {
        String unsupported = unsupportedReason(request.base());
        if (unsupported != null) {
            throw new IllegalArgumentException("compare_baseline: " + unsupported);
        }
        long start = System.nanoTime();
        Files.createDirectories(work);
        try {
            TrainingData data = request.data();
            BaseModel scratchBase = scratchOf(request.base());
            List<Point> curve = new ArrayList<>();
            TransferReport.Arm probe;
            try (TrainingResult r = run(request, request.base(), Strategy.FEATURE_EXTRACTION, data, work.resolve("probe"), cancel)) {
                probe = arm(request.base().id(), r);
            }
            TransferReport.Arm scratch;
            boolean[] scratchCorrect;
            try (TrainingResult r = run(request, scratchBase, Strategy.FULL, data, work.resolve("scratch"), cancel)) {
                scratch = arm(scratchBase.id(), r);
                scratchCorrect = correct(r.model(), data.validation());
            }
            boolean[] transferCorrect = correct(adapted.model(), data.validation());
            for (double fraction : CURVE) {
                TrainingData subset = Subsets.stratified(data, fraction, request.hyperparameters().seed());
                try (TrainingResult r = run(request, request.base(), Strategy.FEATURE_EXTRACTION, subset,
                        work.resolve("curve-" + (int) (fraction * 100)), cancel)) {
                    curve.add(new Point(fraction, subset.train().size(), r.report().accuracy()));
                }
            }
            curve.add(new Point(1.0, data.train().size(), probe.accuracy()));
            TransferReport.Arm transfer = arm(request.base().id(), adapted);
            Bootstrap.Interval gain = Bootstrap.pairedGain(transferCorrect, scratchCorrect, request.hyperparameters().seed());
            String verdict = gain.low() > 0 ? "positive" : gain.high() < 0 ? "negative" : "neutral";
            TransferReport report = new TransferReport(verdict, Runs.round(gain.mean() * 100),
                    List.of(Runs.round(gain.low() * 100), Runs.round(gain.high() * 100)), data.validation().size(), probe, transfer,
                    scratch, learningCurve(curve), Runs.round((System.nanoTime() - start) / 1e9));
            log.info("Transfer report for {}: {} ({} points, 95% CI {})", request.base().id(), verdict, report.gainPoints(),
                    report.gainInterval());
            return report;
        }
        finally {
            Runs.deleteTree(work);
        }
    }

    private static TrainingResult run(TrainingRequest job, BaseModel base, Strategy strategy, TrainingData data, Path output,
            CancellationToken cancel) {
        // The engine never augments cached embeddings, so the job's policy carries over as it is.
        TrainingRequest request = new TrainingRequest(base, strategy, job.hyperparameters(), data, job.datasetId(), output,
                null, null, job.device());
        TrainingResult result = new TrainingRun().run(request, TrainingListener.NONE, cancel);
        if (result.outcome() == TrainingResult.Outcome.CANCELLED) {
            result.close();
            throw new Cancelled();
        }
        return result;
    }

    /** The baseline pass was stopped (the job was cancelled or its worker is stopping). */
    public static final class Cancelled extends RuntimeException {
        Cancelled() {
            super("The baseline comparison was cancelled");
        }
    }

    /** The same architecture as the base, untrained; for a sentence encoder, Graft's own text architecture. */
    static BaseModel scratchOf(BaseModel base) {
        return TrainingRun.scratchOf(base);
    }

    private static TransferReport.Arm arm(String base, TrainingResult r) {
        List<EpochStats> history = r.report().history();
        double best = history.stream().mapToDouble(EpochStats::validationAccuracy).filter(a -> !Double.isNaN(a)).max().orElse(Double.NaN);
        Integer epochs = null;
        Double seconds = null;
        double total = 0;
        for (EpochStats e : history) {
            total += e.seconds();
            if (epochs == null && !Double.isNaN(best) && e.validationAccuracy() >= 0.95 * best) {
                epochs = e.epoch();
                seconds = Runs.round(total);
            }
        }
        return new TransferReport.Arm(base, r.strategy().wireName(), Runs.round(r.report().accuracy()), r.epochsRun(), epochs,
                seconds, Runs.round(total));
    }

    private static boolean[] correct(ModelArtifact model, List<Example> validation) {
        List<float[]> probabilities = model.predict(validation.stream().map(Example::input).toList());
        boolean[] correct = new boolean[validation.size()];
        for (int i = 0; i < correct.length; i++) {
            float[] p = probabilities.get(i);
            int best = 0;
            for (int c = 1; c < p.length; c++) {
                if (p[c] > p[best]) {
                    best = c;
                }
            }
            correct[i] = best == validation.get(i).label();
        }
        return correct;
    }

    private static TransferReport.LearningCurve learningCurve(List<Point> points) {
        double last = points.get(points.size() - 1).accuracy() - points.get(points.size() - 2).accuracy();
        boolean rising = last * 100 > RISING_POINTS;
        String hint = rising
                ? String.format(java.util.Locale.ROOT, "Accuracy still rose by %.1f points from half to all of the data: "
                        + "labelling more examples would probably help", last * 100)
                : "Accuracy levelled off between half and all of the data: more examples of the same kind would add little";
        return new TransferReport.LearningCurve(List.copyOf(points.stream()
                .map(p -> new TransferReport.Point(p.fraction(), p.trainExamples(), Runs.round(p.accuracy()))).toList()), rising, hint);
    }

    private record Point(double fraction, int trainExamples, double accuracy) {
    }
}

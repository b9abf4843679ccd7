package dev.graft.transfer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.graft.training.CancellationToken;
import dev.graft.training.Hyperparameters;
import dev.graft.training.Strategy;
import dev.graft.training.TrainingData;
import dev.graft.training.TrainingListener;
import dev.graft.training.TrainingRequest;
import dev.graft.training.TrainingResult;
import dev.graft.training.TrainingRun;

/**
 * Strategy "auto", decided by data: each candidate strategy trains briefly on a stratified slice of
 * the train split ({@link #SLICE} of it, for {@link #EPOCH_SHARE} of the epochs, so each pilot
 * costs about 5% of the full run), and the one with the better validation accuracy continues. A
 * tie keeps the first candidate (feature extraction: cheaper, and less able to overfit).
 */
public final class StrategyPilots {

    private static final Logger log = LoggerFactory.getLogger(StrategyPilots.class);
    static final double SLICE = 0.25;
    static final double EPOCH_SHARE = 0.2;

    private StrategyPilots() {
    }

    /** What the pilots measured and chose. */
    public record Selection(String chosen, List<Pilot> pilots, double slice, int trainExamples, double seconds) {
    }

    public record Pilot(String strategy, int epochs, double accuracy, double seconds) {
    }

    /**
     * @param request    the job's request (base, data, device); its strategy and hyperparameters are ignored
     * @param candidates each strategy with the hyperparameters it would run with, in order of preference
     */
    public static Selection choose(TrainingRequest request, Map<Strategy, Hyperparameters> candidates, Path work,
            CancellationToken cancel) throws IOException {
        long start = System.nanoTime();
        TrainingData slice = Subsets.stratified(request.data(), SLICE, request.hyperparameters().seed());
        List<Pilot> pilots = new ArrayList<>();
        try {
            for (Map.Entry<Strategy, Hyperparameters> candidate : candidates.entrySet()) {
                Hyperparameters full = candidate.getValue();
                int epochs = Math.max(1, (int) Math.ceil(full.epochs() * EPOCH_SHARE));
                Hyperparameters brief = full.withEpochs(epochs).withEarlyStoppingPatience(0);
                long t0 = System.nanoTime();
                try (TrainingResult r = new TrainingRun().run(new TrainingRequest(request.base(), candidate.getKey(), brief, slice,
                        request.datasetId(), work.resolve("pilot-" + candidate.getKey().wireName()), null, null,
                        request.device()), TrainingListener.NONE, cancel)) {
                    if (r.outcome() == TrainingResult.Outcome.CANCELLED) {
                        throw new TransferComparison.Cancelled();
                    }
                    pilots.add(new Pilot(candidate.getKey().wireName(), epochs, Runs.round(r.report().accuracy()),
                            Runs.round((System.nanoTime() - t0) / 1e9)));
                }
            }
        }
        finally {
            Runs.deleteTree(work);
        }
        Pilot best = pilots.get(0);
        for (Pilot p : pilots) {
            if (p.accuracy() > best.accuracy()) {
                best = p;
            }
        }
        Selection selection = new Selection(best.strategy(), List.copyOf(pilots), SLICE, slice.train().size(),
                Runs.round((System.nanoTime() - start) / 1e9));
        log.info("Strategy pilots for {}: {} -> {}", request.base().id(), pilots, best.strategy());
        return selection;
    }
}

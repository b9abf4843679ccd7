package dev.graft.training;

import static org.assertj.core.api.Assertions.assertThat;

import dev.graft.basemodel.Architectures;
import dev.graft.basemodel.Modality;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Strategy auto's search: what it reports, what it does when the pretrained base hurts, and how a
 * stopped search resumes. Runs are cut short (few epochs, small budgets) to keep the test quick;
 * the search's shape does not depend on their length.
 */
class ModelSearchTest {

    @TempDir
    Path dir;

    @Test
    void autoDoesNotTransferWhenThePretrainedBaseHurtsAndSaysNegativeTransferWasAvoided() {
        SyntheticTasks.startEngine();
        // A base that learnt to tell dark from bright images, on a task where the class is which quadrant
        // is bright: every image has the same mean brightness, the one thing the base knows.
        Path base = pretrain(brightness(100, 3));
        List<SearchUpdate.Kind> updates = new ArrayList<>();
        TrainingListener listener = new TrainingListener() {
            @Override
            public void onSearch(SearchUpdate update) {
                updates.add(update.kind());
            }
        };
        // Six-epoch runs under a budget of 8 give the finalists three epochs: enough for the scratch network
        // to learn quadrants (with the default 4 they get one, less than any real default run gives them).
        try (TrainingResult r = search(new BaseModel.Artifact("brightness", base), TransferReportTest.quadrants(12, 4, 11),
                new HyperparameterOverrides(6, 16, null, null, null, null, null, null), 8, null, listener)) {
            SearchReport report = r.search();
            assertThat(report.chosen()).as("%s", report.summary()).startsWith("scratch arch-cnn-small");
            assertThat(report.negativeTransferAvoided()).isTrue();
            assertThat(report.note()).startsWith("Negative transfer avoided");
            assertThat(r.model().descriptor().lineage().baseModelId()).isEqualTo(Architectures.CNN_SMALL);
            // Every candidate is listed with its held-out scores and cost; the winner was refitted on all 64 examples.
            assertThat(report.evaluation()).isEqualTo("cross_validation");
            assertThat(report.folds()).isEqualTo(3);
            assertThat(report.candidates()).extracting(SearchReport.Candidate::strategy)
                    .contains("feature_extraction", "partial", "full");
            assertThat(report.candidates()).filteredOn(c -> !c.transfer()).isNotEmpty();
            assertThat(report.candidates()).allSatisfy(c -> {
                assertThat(c.cost()).isPositive();
                assertThat(c.rungs()).isNotEmpty();
                assertThat(c.last().folds()).hasSize(3);
                assertThat(c.last().mean()).isBetween(0.0, 1.0);
                assertThat(c.last().sd()).isNotNegative();
            });
            assertThat(report.refitExamples()).isEqualTo(64);
            assertThat(report.status()).isEqualTo("done");
            assertThat(report.estimatedCost()).isLessThanOrEqualTo(8.0 + 1e-9);
            assertThat(r.report().accuracy()).as("out-of-fold accuracy of the winner").isGreaterThan(0.8f);
            assertThat(updates).startsWith(SearchUpdate.Kind.STARTED).endsWith(SearchUpdate.Kind.CHOSEN)
                    .contains(SearchUpdate.Kind.FOLD, SearchUpdate.Kind.RUNG);
        }
    }

    @Test
    void aStoppedSearchResumesFromItsReportWithoutRetrainingTheFoldsItScored() {
        SyntheticTasks.startEngine();
        TrainingData blobs = SyntheticTasks.blobs(3, 10, 4, 4, 7);
        HyperparameterOverrides given = new HyperparameterOverrides(4, 8, null, null, null, null, null, null);
        AtomicReference<SearchReport> last = new AtomicReference<>();
        CancellationToken stop = new CancellationToken();
        AtomicInteger folds = new AtomicInteger();
        TrainingListener stopAfterFour = new TrainingListener() {
            @Override
            public void onSearch(SearchUpdate update) {
                last.set(update.report());
                if (update.kind() == SearchUpdate.Kind.FOLD && folds.incrementAndGet() == 4) {
                    stop.cancel();
                }
            }
        };
        try (TrainingResult stopped = new TrainingRun().run(request(new BaseModel.Architecture(Architectures.MLP), blobs, given, 2,
                null), stopAfterFour, stop)) {
            assertThat(stopped.outcome()).isEqualTo(TrainingResult.Outcome.CANCELLED);
        }
        SearchReport checkpoint = last.get();
        AtomicInteger rerun = new AtomicInteger();
        TrainingListener counting = new TrainingListener() {
            @Override
            public void onSearch(SearchUpdate update) {
                if (update.kind() == SearchUpdate.Kind.FOLD) {
                    rerun.incrementAndGet();
                }
            }
        };
        try (TrainingResult resumed = search(new BaseModel.Architecture(Architectures.MLP), blobs, given, 2, checkpoint,
                counting)) {
            int total = resumed.search().candidates().stream().mapToInt(c -> c.rungs().stream().mapToInt(r -> r.folds().size()).sum())
                    .sum();
            assertThat(rerun.get()).isEqualTo(total - 4);
            // The folds scored before the stop are kept as they were, not retrained.
            for (SearchReport.Candidate before : checkpoint.candidates()) {
                SearchReport.Candidate after = resumed.search().candidates().stream()
                        .filter(c -> c.name().equals(before.name())).findFirst().orElseThrow();
                for (SearchReport.Rung rung : before.rungs()) {
                    for (SearchReport.Fold fold : rung.folds()) {
                        assertThat(after.rungs().get(rung.rung()).folds()).anySatisfy(f -> {
                            assertThat(f.fold()).isEqualTo(fold.fold());
                            assertThat(f.seconds()).isEqualTo(fold.seconds());
                        });
                    }
                }
            }
            assertThat(resumed.search().chosen()).isNotNull();
            // A base with no learned weights: nothing to transfer, so no verdict on transfer.
            assertThat(resumed.search().negativeTransferAvoided()).isNull();
            assertThat(resumed.search().candidates()).anyMatch(c -> c.name().startsWith("scratch linear"));
        }
    }

    @Test
    void whatTheClientFixedHoldsForEveryCandidate() {
        SyntheticTasks.startEngine();
        HyperparameterOverrides given = new HyperparameterOverrides(3, 8, 0.02f, null, null, null, null, null);
        try (TrainingResult r = search(new BaseModel.Architecture(Architectures.MLP), SyntheticTasks.blobs(3, 8, 3, 4, 2), given,
                2, null, TrainingListener.NONE)) {
            assertThat(r.search().candidates()).allSatisfy(c -> {
                assertThat(c.hyperparameters()).containsEntry("learning_rate", 0.02).containsEntry("batch_size", 8)
                        .containsEntry("n_epochs", 3);
            });
            assertThat(r.search().given()).containsEntry("learning_rate", 0.02);
            assertThat(r.hyperparameters().learningRate()).isEqualTo(0.02f);
            assertThat(r.hyperparameters().batchSize()).isEqualTo(8);
        }
    }

    private TrainingResult search(BaseModel base, TrainingData data, HyperparameterOverrides given, double budget,
            SearchReport resume, TrainingListener listener) {
        return new TrainingRun().run(request(base, data, given, budget, resume), listener, CancellationToken.none());
    }

    private TrainingRequest request(BaseModel base, TrainingData data, HyperparameterOverrides given, double budget,
            SearchReport resume) {
        return new TrainingRequest(base, Strategy.AUTO, Hyperparameters.builder().seed(5).threads(2).build(), data, "ds",
                dir.resolve("model-" + System.nanoTime()), dir.resolve("checkpoints-" + System.nanoTime()), null, null,
                new TrainingRequest.Search(given, budget, resume));
    }

    private Path pretrain(TrainingData source) {
        Path out = dir.resolve("base");
        try (TrainingResult r = new TrainingRun().run(new TrainingRequest(
                new BaseModel.Architecture(Architectures.CNN_SMALL, List.of(1, 16, 16)), Strategy.FULL,
                Hyperparameters.builder().epochs(8).batchSize(16).learningRate(1e-2f).backboneLearningRateMultiplier(1f).build(),
                source, "source", out, null, null, null), TrainingListener.NONE, CancellationToken.none())) {
            assertThat(r.report().accuracy()).isGreaterThan(0.95f);
        }
        return out;
    }

    /** Uniform grey images, dark or bright, with pixel noise: the source task. */
    static TrainingData brightness(int perClass, long seed) {
        Random random = new Random(seed);
        List<Example> train = new ArrayList<>();
        List<Example> val = new ArrayList<>();
        for (int i = 0; i < perClass + 10; i++) {
            for (int c = 0; c < 2; c++) {
                BufferedImage image = new BufferedImage(16, 16, BufferedImage.TYPE_BYTE_GRAY);
                for (int y = 0; y < 16; y++) {
                    for (int x = 0; x < 16; x++) {
                        double v = (c == 0 ? 0.3 : 0.7) + 0.1 * random.nextGaussian();
                        image.getRaster().setSample(x, y, 0, (int) Math.round(255 * Math.max(0, Math.min(1, v))));
                    }
                }
                (i < perClass ? train : val).add(new Example(new Input.Image(image), c));
            }
        }
        return new TrainingData(Modality.IMAGE, List.of("dark", "bright"), train, val);
    }
}

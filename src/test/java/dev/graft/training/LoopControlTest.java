package dev.graft.training;

import static org.assertj.core.api.Assertions.assertThat;

import dev.graft.basemodel.Architectures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cancellation, checkpoints and resume, determinism and early stopping. */
class LoopControlTest {

    @TempDir
    Path dir;

    @BeforeAll
    static void engine() {
        SyntheticTasks.startEngine();
    }

    @Test
    void cancellationStopsBeforeTheNextStep() {
        CancellationToken cancel = new CancellationToken();
        AtomicInteger stepsAfterCancel = new AtomicInteger();
        TrainingListener listener = new TrainingListener() {
            @Override
            public void onStep(StepProgress step) {
                if (cancel.isCancelled()) {
                    stepsAfterCancel.incrementAndGet();
                }
                if (step.globalStep() == 3) {
                    cancel.cancel();
                }
            }
        };
        try (TrainingResult r = new TrainingRun().run(request(cnn(), hp().toBuilder().epochs(5).build(), null),
                listener, cancel)) {
            assertThat(r.outcome()).isEqualTo(TrainingResult.Outcome.CANCELLED);
            assertThat(stepsAfterCancel).hasValue(0);
            assertThat(r.model()).isNull();
            assertThat(dir.resolve("out")).doesNotExist();
        }
    }

    @Test
    void runResumedFromAMidwayCheckpointFinishesLikeAnUnbrokenRun() throws Exception {
        Hyperparameters hp = hp().toBuilder().epochs(4).augment(Hyperparameters.Augment.SHIFT_SCALE_FLIP).build();
        Path checkpoints = dir.resolve("checkpoints");
        CancellationToken cancel = new CancellationToken();
        TrainingListener cancelAfterEpoch2 = new TrainingListener() {
            @Override
            public void onEpoch(EpochStats epoch) {
                if (epoch.epoch() == 2) {
                    cancel.cancel();
                }
            }
        };
        try (TrainingResult first = new TrainingRun().run(request(cnn(), hp, checkpoints),
                cancelAfterEpoch2, cancel)) {
            assertThat(first.outcome()).isEqualTo(TrainingResult.Outcome.CANCELLED);
            assertThat(first.epochsRun()).isEqualTo(2);
        }
        assertThat(Checkpoints.epochDirectories(checkpoints)).extracting(p -> p.getFileName()
                .toString()).containsExactly("epoch-0001", "epoch-0002");

        TrainingRequest resume = request(cnn(), hp, checkpoints).withResumeFrom(checkpoints);
        try (TrainingResult resumed = new TrainingRun().run(resume, TrainingListener.NONE,
                CancellationToken.none());
                TrainingResult unbroken = new TrainingRun().run(request(cnn(), hp, null)
                        .withOutputDirectory(dir.resolve("unbroken")), TrainingListener.NONE, CancellationToken.none())) {
            assertThat(resumed.outcome()).isEqualTo(TrainingResult.Outcome.COMPLETED);
            assertThat(resumed.epochsRun()).isEqualTo(4);
            assertThat(resumed.report().history()).hasSize(4);
            assertThat(Files.exists(resumed.artifactDirectory()
                    .resolve(ModelArtifact.DESCRIPTOR_FILE))).isTrue();
            try (ModelArtifact loaded = ModelArtifact.load(resumed.artifactDirectory())) {
                assertThat(loaded.descriptor().lineage().epochsRun()).isEqualTo(4);
            }
            assertThat(withoutTimes(resumed.report().history()))
                    .isEqualTo(withoutTimes(unbroken.report().history()));
        }
    }

    @Test
    void sameSeedGivesTheSameMetrics() {
        Hyperparameters hp = hp().toBuilder().epochs(3).augment(Hyperparameters.Augment.SHIFT_SCALE_FLIP).threads(1).build();
        List<List<Float>> first;
        try (TrainingResult r = new TrainingRun().run(request(cnn(), hp, null),
                TrainingListener.NONE, CancellationToken.none())) {
            first = withoutTimes(r.report().history());
        }
        try (TrainingResult r = new TrainingRun().run(request(cnn(), hp, null),
                TrainingListener.NONE, CancellationToken.none())) {
            assertThat(withoutTimes(r.report().history())).isEqualTo(first);
        } finally {
            Engines.ensureStarted(SyntheticTasks.DATA, 2);
        }
    }

    @Test
    void earlyStoppingRestoresTheWeightsOfTheBestEpoch() {
        // Labels independent of the features: the MLP can only memorise the training split, so
        // the validation loss soon rises and keeps rising.
        TrainingData blobs = SyntheticTasks.blobs(2, 30, 30, 6, 9);
        List<Example> shuffledLabels = new ArrayList<>();
        for (int i = 0; i < blobs.train().size(); i++) {
            shuffledLabels.add(new Example(blobs.train().get(i).input(), (i / 3) % 2));
        }
        TrainingData noise = new TrainingData(blobs.modality(), blobs.labels(), shuffledLabels,
                blobs.validation());
        Hyperparameters hp = hp().toBuilder().epochs(30).earlyStoppingPatience(3)
                .learningRate(1e-2f).build();
        try (TrainingResult r = new TrainingRun().run(new TrainingRequest(
                new BaseModel.Architecture(Architectures.MLP), Strategy.FULL, hp, noise, "noise",
                dir.resolve("out"), null, null, null), TrainingListener.NONE,
                CancellationToken.none())) {
            assertThat(r.outcome()).isEqualTo(TrainingResult.Outcome.EARLY_STOPPED);
            List<EpochStats> history = r.report().history();
            assertThat(r.epochsRun()).isEqualTo(history.size()).isLessThan(30)
                    .isEqualTo(r.bestEpoch() + 3);
            EpochStats best = history.get(r.bestEpoch() - 1);
            assertThat(history).allSatisfy(e ->
                    assertThat(e.validationLoss()).isGreaterThanOrEqualTo(best.validationLoss()));
            assertThat(r.report().loss()).isEqualTo(best.validationLoss());
            assertThat(r.report().accuracy()).isEqualTo(best.validationAccuracy());
        }
    }

    @Test
    void concurrentRunsAreSerialisedInsteadOfClashingInTheGradientCollector() throws Exception {
        var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            var a = pool.submit(() -> new TrainingRun().run(request(cnn(), hp().toBuilder().epochs(2).build(), null)
                    .withOutputDirectory(dir.resolve("a")), TrainingListener.NONE,
                    CancellationToken.none()));
            var b = pool.submit(() -> new TrainingRun().run(request(cnn(), hp().toBuilder().epochs(2).build(), null)
                    .withOutputDirectory(dir.resolve("b")), TrainingListener.NONE,
                    CancellationToken.none()));
            try (TrainingResult ra = a.get(); TrainingResult rb = b.get()) {
                assertThat(ra.outcome()).isEqualTo(TrainingResult.Outcome.COMPLETED);
                assertThat(rb.outcome()).isEqualTo(TrainingResult.Outcome.COMPLETED);
            }
        } finally {
            pool.shutdown();
        }
    }

    private static BaseModel cnn() {
        return new BaseModel.Architecture(Architectures.CNN_SMALL, List.of(1, 12, 12));
    }

    private static Hyperparameters hp() {
        return Hyperparameters.builder().batchSize(8).learningRate(3e-3f)
                .backboneLearningRateMultiplier(1f).seed(17).build();
    }

    private TrainingRequest request(BaseModel base, Hyperparameters hp, Path checkpoints) {
        TrainingData data = SyntheticTasks.stripes(new double[] {0, 60, 120}, 12, 8, 4, 0.2, 13);
        return new TrainingRequest(base, Strategy.FULL, hp, data, "stripes", dir.resolve("out"),
                checkpoints, null, null);
    }

    private static List<List<Float>> withoutTimes(List<EpochStats> history) {
        return history.stream().map(e -> List.of((float) e.epoch(), e.trainLoss(),
                e.trainAccuracy(), e.validationLoss(), e.validationAccuracy())).toList();
    }
}

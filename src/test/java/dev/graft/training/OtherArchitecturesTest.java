package dev.graft.training;

import static org.assertj.core.api.Assertions.assertThat;

import dev.graft.basemodel.Architectures;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The MLP, the embedding bag and ResNet-20 train too. */
class OtherArchitecturesTest {

    @TempDir
    Path dir;

    @BeforeAll
    static void engine() {
        SyntheticTasks.startEngine();
    }

    @Test
    void mlpSeparatesGaussianBlobs() {
        TrainingResult r = train(Architectures.MLP, null, SyntheticTasks.blobs(3, 40, 20, 4, 1),
                Hyperparameters.builder().epochs(5).batchSize(16).build());
        try (r) {
            assertThat(r.report().accuracy()).isGreaterThan(0.8f);
        }
    }

    @Test
    void embeddingBagLearnsClassKeywords() {
        TrainingResult r = train(Architectures.EMBEDDING_BAG, List.of(12),
                SyntheticTasks.keywords(40, 20, 2),
                Hyperparameters.builder().epochs(8).batchSize(16).learningRate(1e-2f).build());
        try (r) {
            assertThat(r.report().accuracy()).isGreaterThan(0.7f);
            assertThat(r.model().descriptor().preprocessing().text().tokens())
                    .contains("goal", "oven", "compiler").doesNotContain("GOAL");
        }
    }

    @Test
    void resNet20TakesTrainingSteps() {
        List<StepProgress> steps = new ArrayList<>();
        TrainingData data = SyntheticTasks.stripes(new double[] {0, 90}, 12, 8, 4, 0.1, 4);
        TrainingResult r = new TrainingRun().run(new TrainingRequest(
                new BaseModel.Architecture(Architectures.RESNET20, List.of(3, 12, 12)),
                Strategy.FULL, Hyperparameters.builder().epochs(1).batchSize(8)
                        .augment(Hyperparameters.Augment.SHIFT_SCALE_FLIP).build(),
                data, "stripes", dir.resolve("out"), null, null, null),
                new TrainingListener() {
                    @Override
                    public void onStep(StepProgress step) {
                        steps.add(step);
                    }
                }, CancellationToken.none());
        try (r) {
            assertThat(steps).hasSize(2).allSatisfy(s -> assertThat(s.loss()).isFinite());
            assertThat(r.model().descriptor().architecture().inputShape()).containsExactly(3, 12, 12);
        }
    }

    @Test
    void resNet18TakesATrainingStepOnImagesResizedToItsInput() {
        List<StepProgress> steps = new ArrayList<>();
        // 12 px stripes, resized up to the 32 px that ResNet-18's ImageNet layout needs at least.
        TrainingData data = SyntheticTasks.stripes(new double[] {0, 90}, 12, 4, 2, 0.1, 4);
        TrainingResult r = new TrainingRun().run(new TrainingRequest(
                new BaseModel.Architecture(Architectures.RESNET18, List.of(3, 32, 32)),
                Strategy.FULL, Hyperparameters.builder().epochs(1).batchSize(4).build(),
                data, "stripes", dir.resolve("out18"), null, null, null),
                new TrainingListener() {
                    @Override
                    public void onStep(StepProgress step) {
                        steps.add(step);
                    }
                }, CancellationToken.none());
        try (r) {
            assertThat(steps).hasSize(2).allSatisfy(s -> assertThat(s.loss()).isFinite());
            assertThat(r.model().descriptor().architecture().embeddingSize()).isEqualTo(512);
        }
    }

    private TrainingResult train(String architecture, List<Integer> shape, TrainingData data,
            Hyperparameters hp) {
        return new TrainingRun().run(new TrainingRequest(
                new BaseModel.Architecture(architecture, shape), Strategy.FULL,
                hp.toBuilder().backboneLearningRateMultiplier(1f).build(), data, "ds", dir.resolve("out"), null,
                null, null), TrainingListener.NONE, CancellationToken.none());
    }
}

package dev.graft.training;

import static org.assertj.core.api.Assertions.assertThat;

import dev.graft.basemodel.TorchScriptModule;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TorchScriptBaseTest {

    static final Path BACKBONE = Path.of("src/test/resources/torchscript/tiny-backbone.pt");

    @TempDir
    Path dir;

    @BeforeAll
    static void engine() {
        SyntheticTasks.startEngine();
    }

    static BaseModel.TorchScript tinyBackbone() {
        return new BaseModel.TorchScript("imp_tiny", BACKBONE, List.of(1, 16, 16),
                new float[] {0.5f}, new float[] {0.25f}, 16);
    }

    @Test
    void featureExtractionTrainsOnlyTheHeadAndTheReloadedModelPredictsTheSame() throws Exception {
        try (TrainingResult r = train(Strategy.FEATURE_EXTRACTION);
                ModelArtifact loaded = ModelArtifact.load(r.artifactDirectory())) {
            assertThat(r.strategy()).isEqualTo(Strategy.FEATURE_EXTRACTION);
            try (ModelArtifact original = fresh()) {
                assertThat(backboneValues(r.model())).usingRecursiveComparison()
                        .isEqualTo(backboneValues(original));
            }
            assertThat(Files.exists(r.artifactDirectory().resolve(TorchScriptModule.FILE_NAME)))
                    .isTrue();
            List<Input> inputs = images();
            assertThat(loaded.predict(inputs)).containsExactlyElementsOf(r.model().predict(inputs));
        }
    }

    @Test
    void fullFineTuningChangesTheModuleAndTheReloadedModelKeepsTheChange() throws Exception {
        try (TrainingResult r = train(Strategy.FULL);
                ModelArtifact loaded = ModelArtifact.load(r.artifactDirectory());
                ModelArtifact original = fresh()) {
            Map<String, float[]> trained = backboneValues(r.model());
            Map<String, float[]> before = backboneValues(original);
            assertThat(trained.keySet()).isEqualTo(before.keySet()).isNotEmpty();
            assertThat(trained.keySet()).anySatisfy(k ->
                    assertThat(Arrays.equals(trained.get(k), before.get(k))).isFalse());
            assertThat(backboneValues(loaded)).usingRecursiveComparison().isEqualTo(trained);
            List<Input> inputs = images();
            assertThat(loaded.predict(inputs)).containsExactlyElementsOf(r.model().predict(inputs));
            assertThat(loaded.predict(inputs)).allSatisfy(p -> assertThat(p).hasSize(2));
        }
    }

    @Test
    void autoSearchesOnlyWhatAModuleAllowsFeatureExtractionAndWholeModuleTraining() {
        TrainingData data = SyntheticTasks.stripes(new double[] {0, 90}, 16, 6, 2, 0.2, 3);
        try (TrainingResult r = new TrainingRun().run(new TrainingRequest(tinyBackbone(), Strategy.AUTO,
                Hyperparameters.builder().seed(3).build(), data, "ds", dir.resolve("auto"), null, null, null,
                new TrainingRequest.Search(new HyperparameterOverrides(2, 8, null, null, null, null, null, null), 2, null)),
                TrainingListener.NONE, CancellationToken.none())) {
            // DJL trains a module whole or not at all, and it has no architecture to start from scratch.
            assertThat(r.search().candidates()).extracting(SearchReport.Candidate::strategy)
                    .containsOnly("feature_extraction", "full").contains("feature_extraction", "full");
            assertThat(r.search().candidates()).allMatch(SearchReport.Candidate::transfer);
            assertThat(r.strategy()).isIn(Strategy.FEATURE_EXTRACTION, Strategy.FULL);
        }
    }

    private TrainingResult train(Strategy strategy) {
        TrainingData data = SyntheticTasks.stripes(new double[] {0, 90}, 16, 8, 4, 0.2, 3);
        return new TrainingRun().run(new TrainingRequest(tinyBackbone(), strategy,
                Hyperparameters.builder().epochs(2).batchSize(8).build(), data, "ds",
                dir.resolve("model-" + strategy), null, null, null), TrainingListener.NONE,
                CancellationToken.none());
    }

    // The untrained module under an arbitrary head, loaded the way an artifact is.
    private ModelArtifact fresh() throws Exception {
        try (TrainingResult r = new TrainingRun().run(new TrainingRequest(tinyBackbone(),
                Strategy.FEATURE_EXTRACTION, Hyperparameters.builder().epochs(1).build(),
                SyntheticTasks.stripes(new double[] {0, 90}, 16, 2, 1, 0.2, 3), "ds",
                dir.resolve("fresh"), null, null, null), TrainingListener.NONE,
                CancellationToken.none())) {
            return ModelArtifact.load(r.artifactDirectory());
        }
    }

    private static Map<String, float[]> backboneValues(ModelArtifact model) {
        return Weights.values(model.net().backbone());
    }

    private static List<Input> images() throws Exception {
        List<Input> inputs = new ArrayList<>();
        Random random = new Random(1);
        for (int i = 0; i < 4; i++) {
            ByteArrayOutputStream png = new ByteArrayOutputStream();
            ImageIO.write(SyntheticTasks.stripeImage(i * 45, 16, 0.1, random), "png", png);
            inputs.add(new Input.EncodedImage(png.toByteArray()));
        }
        return inputs;
    }
}

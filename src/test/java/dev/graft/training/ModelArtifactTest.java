package dev.graft.training;

import static org.assertj.core.api.Assertions.assertThat;

import dev.graft.basemodel.Architectures;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelArtifactTest {

    @TempDir
    Path dir;

    @BeforeAll
    static void engine() {
        SyntheticTasks.startEngine();
    }

    @Test
    void reloadedImageModelPredictsExactlyLikeTheTrainedOne() throws Exception {
        TrainingData data = SyntheticTasks.stripes(new double[] {0, 90}, 12, 10, 5, 0.2, 3);
        try (TrainingResult r = train(new BaseModel.Architecture(Architectures.CNN_SMALL,
                List.of(1, 12, 12)), data);
                ModelArtifact loaded = ModelArtifact.load(r.artifactDirectory())) {
            List<Input> inputs = new ArrayList<>();
            Random random = new Random(1);
            for (int i = 0; i < 6; i++) {
                ByteArrayOutputStream png = new ByteArrayOutputStream();
                ImageIO.write(SyntheticTasks.stripeImage(i * 30, 20, 0.1, random), "png", png);
                inputs.add(new Input.EncodedImage(png.toByteArray()));
            }
            assertThat(loaded.predict(inputs)).containsExactlyElementsOf(r.model().predict(inputs));
            assertThat(loaded.predict(inputs)).allSatisfy(p -> assertThat(p).hasSize(2));
        }
    }

    @Test
    void reloadedTextModelPredictsExactlyLikeTheTrainedOne() {
        TrainingData data = SyntheticTasks.keywords(10, 5, 4);
        try (TrainingResult r = train(new BaseModel.Architecture(Architectures.EMBEDDING_BAG,
                List.of(10)), data);
                ModelArtifact loaded = ModelArtifact.load(r.artifactDirectory())) {
            List<Input> inputs = List.of(new Input.Text("the oven and the flour"),
                    new Input.Text("unseen words only"), new Input.Text(""));
            assertThat(loaded.predict(inputs)).containsExactlyElementsOf(r.model().predict(inputs));
        }
    }

    @Test
    void descriptorHoldsEverythingNeededToRebuildAndExplainTheModel() throws Exception {
        TrainingData data = SyntheticTasks.blobs(3, 10, 5, 4, 2);
        try (TrainingResult r = train(new BaseModel.Architecture(Architectures.MLP), data)) {
            String json = Files.readString(r.artifactDirectory()
                    .resolve(ModelArtifact.DESCRIPTOR_FILE));
            assertThat(json).contains("\"formatVersion\"", "\"arch-mlp\"", "\"class-2\"",
                    "\"TABULAR\"", "\"mean\"", "\"std\"", "\"strategy\" : \"full\"",
                    "\"confusionMatrix\"", "\"history\"", "\"datasetId\" : \"ds\"");
            ModelDescriptor d = r.model().descriptor();
            assertThat(d.lineage().baseModelId()).isEqualTo(Architectures.MLP);
            assertThat(d.evaluation().perClass()).hasSize(3);
            assertThat(Files.exists(r.artifactDirectory().resolve(d.weightsFile()))).isTrue();
        }
    }

    private TrainingResult train(BaseModel base, TrainingData data) {
        return new TrainingRun().run(new TrainingRequest(base, Strategy.FULL,
                Hyperparameters.builder().epochs(2).batchSize(8).build(), data, "ds",
                dir.resolve("model"), null, null, null), TrainingListener.NONE,
                CancellationToken.none());
    }
}

package dev.graft.basemodel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.graft.training.BaseModel;
import dev.graft.training.CancellationToken;
import dev.graft.training.Engines;
import dev.graft.training.Example;
import dev.graft.training.Hyperparameters;
import dev.graft.training.ModelArtifact;
import dev.graft.training.ModelDescriptor;
import dev.graft.training.Strategy;
import dev.graft.training.TrainingData;
import dev.graft.training.TrainingListener;
import dev.graft.training.TrainingRequest;
import dev.graft.training.TrainingResult;
import dev.graft.training.TrainingRun;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The MNIST bases committed in the catalog resources (made by {@code scripts/pretrain-bases.sh}),
 * checked against small slices of the real MNIST test set under {@code src/test/resources/mnist}.
 */
class PretrainedBasesTest {

    // Full strategy, the few-shot benchmark's budget, on the committed fixtures: measured
    // pretrained 0.862/0.912/0.886 against scratch 0.768/0.802/0.810 for seeds 1-3 (margins
    // 0.076-0.110); 0.05 leaves room for thread-count and platform differences.
    private static final float MARGIN = 0.05f;

    @TempDir
    Path dir;

    @BeforeAll
    static void startEngine() {
        Engines.ensureStarted(Path.of("target/graft-test-data"), 2);
    }

    @ParameterizedTest
    @CsvSource({"mnist-cnn-small, arch-cnn-small", "mnist-resnet20, arch-resnet20"})
    void committedBaseLoadsAndRecognisesRealTestDigitsZeroToFour(String id, String architecture)
            throws IOException, URISyntaxException {
        Path base = resource("/catalog/" + id);
        List<Example> digits = MnistTasks.examples(MnistDigits.read(resource("/mnist"),
                "source-test-0-4"), MnistTasks.SOURCE_FIRST);
        JsonNode metadata = JsonMapper.builder().build()
                .readTree(base.resolve(MnistPretraining.METADATA_FILE).toFile());

        try (ModelArtifact model = ModelArtifact.load(base)) {
            ModelDescriptor d = model.descriptor();
            assertThat(d.architecture().id()).isEqualTo(architecture);
            assertThat(d.architecture().inputShape()).containsExactly(1, 28, 28);
            assertThat(d.modality()).isEqualTo(Modality.IMAGE);
            assertThat(model.labels()).containsExactly("0", "1", "2", "3", "4");
            assertThat(digits).hasSize(50);
            assertThat(MnistTasks.accuracy(model, digits)).isGreaterThanOrEqualTo(0.95f);
        }
        assertThat(metadata.get("id").asString()).isEqualTo(id);
        assertThat(metadata.get("sourceTask").asString()).isEqualTo("MNIST digits 0-4");
        assertThat(metadata.get("testAccuracy").asDouble()).isGreaterThanOrEqualTo(0.98);
    }

    @Test
    void pretrainedCnnLearnsUnseenDigitsFromTenExamplesEachBetterThanFromScratch()
            throws IOException, URISyntaxException {
        Path base = resource("/catalog/" + MnistPretraining.CNN_ID);
        Path fixtures = resource("/mnist");
        TrainingData shots = new TrainingData(Modality.IMAGE,
                MnistTasks.labels(MnistTasks.TARGET_FIRST), MnistTasks.examples(
                        MnistDigits.read(fixtures, "target-train-5-9"), MnistTasks.TARGET_FIRST),
                List.of());
        List<Example> heldOut = MnistTasks.examples(MnistDigits.read(fixtures, "target-test-5-9"),
                MnistTasks.TARGET_FIRST);

        for (long seed = 1; seed <= 3; seed++) {
            Hyperparameters hp = MnistFewShot.budget(seed, 2);
            float transferred = accuracy(new BaseModel.Artifact("mnist-cnn", base), shots,
                    heldOut, hp);
            float scratch = accuracy(new BaseModel.Architecture(Architectures.CNN_SMALL,
                    MnistTasks.INPUT_SHAPE), shots, heldOut, hp);
            assertThat(transferred).as("seed %d: pretrained %s vs scratch %s", seed, transferred,
                    scratch).isGreaterThan(scratch + MARGIN);
        }
    }

    private float accuracy(BaseModel base, TrainingData shots, List<Example> heldOut,
            Hyperparameters hp) {
        try (TrainingResult r = new TrainingRun().run(new TrainingRequest(base, Strategy.FULL, hp,
                shots, "mnist-5-9", dir.resolve(base.id() + "-" + hp.seed()), null, null, null),
                TrainingListener.NONE, CancellationToken.none())) {
            return MnistTasks.accuracy(r.model(), heldOut);
        }
    }

    @Test
    void readsTheGzippedIdxFilesItWritesAndTheirPlainFormAlike() throws IOException,
            URISyntaxException {
        MnistDigits digits = MnistDigits.read(resource("/mnist"), "source-test-0-4");
        digits.write(dir, "copy");
        for (String kind : List.of("images-idx3-ubyte", "labels-idx1-ubyte")) {
            try (InputStream in = new GZIPInputStream(
                    Files.newInputStream(dir.resolve("copy-" + kind + ".gz")))) {
                Files.copy(in, dir.resolve("plain-" + kind));
            }
        }
        for (String prefix : List.of("copy", "plain")) {
            MnistDigits copy = MnistDigits.read(dir, prefix);
            assertThat(copy.labels()).containsExactly(digits.labels());
            // Pixels are unsigned: a stroke's 255 must not come back as -1.
            byte[] first = digits.pixels().get(0);
            int stroke = 0;
            while (Byte.toUnsignedInt(first[stroke]) < 200) {
                stroke++;
            }
            assertThat(copy.image(0).getRaster().getDataBuffer().getElem(stroke))
                    .isEqualTo(Byte.toUnsignedInt(first[stroke])).isGreaterThanOrEqualTo(200);
        }
    }

    private static Path resource(String name) throws URISyntaxException {
        return Path.of(PretrainedBasesTest.class.getResource(name).toURI());
    }
}

package dev.graft.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.ObjectNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.graft.basemodel.Modality;
import dev.graft.basemodel.SentenceEncoderSpec;

/**
 * A head trained on each frozen sentence encoder's embeddings generalises to sentences whose words
 * it never saw: what a from-scratch vocabulary model cannot do with six examples per class. The
 * artifact records how the encoder embedded, and serving embeds the same way.
 */
class SentenceEncoderTrainingTest {

    @TempDir
    Path work;

    static final List<String> SPORT = List.of("The striker scored twice in the final minutes.",
            "Our team won the championship match yesterday.", "The goalkeeper saved a penalty kick.",
            "She ran the marathon in under three hours.", "The coach praised the defenders after the game.",
            "Fans cheered as the players lifted the trophy.");
    static final List<String> COOKING = List.of("Simmer the onions in butter until golden.",
            "Knead the dough and let it rise for an hour.", "Season the soup with salt and fresh pepper.",
            "Bake the cake at 180 degrees for forty minutes.", "Chop the garlic finely before frying it.",
            "Whisk the eggs with sugar until the mixture is pale.");
    static final List<String> SPORT_UNSEEN = List.of("A late header decided the derby.",
            "The tennis champion served an ace to win the set.", "The cyclist attacked on the last mountain climb.");
    static final List<String> COOKING_UNSEEN = List.of("Roast the vegetables with olive oil and thyme.",
            "Stir the risotto slowly while adding warm stock.", "Grill the fish and squeeze lemon over it.");

    @ParameterizedTest
    @ValueSource(strings = {"all-minilm-l6-v2", "bge-small-en-v1.5", "e5-small-v2"})
    void aHeadOnFrozenSentenceEmbeddingsClassifiesUnseenWordingAndReloadsIdentically(String encoder) throws IOException {
        Engines.ensureStarted(Path.of("target"), 1);
        List<Example> train = new ArrayList<>();
        SPORT.forEach(t -> train.add(new Example(new Input.Text(t), 0)));
        COOKING.forEach(t -> train.add(new Example(new Input.Text(t), 1)));
        List<Example> validation = new ArrayList<>();
        SPORT_UNSEEN.forEach(t -> validation.add(new Example(new Input.Text(t), 0)));
        COOKING_UNSEEN.forEach(t -> validation.add(new Example(new Input.Text(t), 1)));
        TrainingRequest request = new TrainingRequest(new BaseModel.Architecture(encoder),
                Strategy.FEATURE_EXTRACTION,
                Hyperparameters.builder().epochs(40).batchSize(4).learningRate(0.01f).threads(1).seed(3).build(),
                new TrainingData(Modality.TEXT, List.of("sport", "cooking"), train, validation), "ds_text", work.resolve("out"),
                null, null, null);

        try (TrainingResult result = new TrainingRun().run(request, TrainingListener.NONE, CancellationToken.none());
                ModelArtifact reloaded = ModelArtifact.load(result.artifactDirectory())) {
            assertThat(result.report().accuracy()).isGreaterThanOrEqualTo(5f / 6);
            assertThat(reloaded.descriptor().preprocessing().sentenceEncoder()).isEqualTo(encoder);
            assertThat(reloaded.descriptor().preprocessing().sentenceEncoding())
                    .isEqualTo(SentenceEncoderSpec.find(encoder).orElseThrow().encoding());
            List<Input> probe = List.of(new Input.Text("The referee blew the whistle."), new Input.Text("Fry the bacon until crisp."));
            List<float[]> original = result.model().predict(probe);
            List<float[]> again = reloaded.predict(probe);
            assertThat(again.get(0)).containsExactly(original.get(0));
            assertThat(again.get(1)).containsExactly(original.get(1));
            assertThat(original.get(0)[0]).isGreaterThan(0.5f);
            assertThat(original.get(1)[1]).isGreaterThan(0.5f);

            // Artifacts from before encodings were recorded embed with the encoder's default ...
            try (ModelArtifact unrecorded = ModelArtifact.load(withEncoding(result.artifactDirectory(), "unrecorded", null))) {
                assertThat(unrecorded.predict(probe).get(0)).containsExactly(original.get(0));
            }
            // ... and serving follows the artifact's record, not today's default.
            try (ModelArtifact other = ModelArtifact.load(withEncoding(result.artifactDirectory(), "other",
                    "{\"pooling\": \"cls\", \"prefix\": \"passage: \", \"maxTokens\": 8, \"normalise\": false}"))) {
                assertThat(other.predict(probe).get(0)).isNotEqualTo(original.get(0));
            }
        }
    }

    /** A copy of the artifact whose descriptor records another encoding (JSON), or none (null). */
    private Path withEncoding(Path artifact, String name, String encodingJson) throws IOException {
        Path copy = Files.createDirectories(work.resolve(name));
        Files.copy(artifact.resolve("weights.params"), copy.resolve("weights.params"));
        var descriptor = (ObjectNode) Json.MAPPER.readTree(
                artifact.resolve(ModelArtifact.DESCRIPTOR_FILE).toFile());
        var preprocessing = (ObjectNode) descriptor.get("preprocessing");
        if (encodingJson == null) {
            preprocessing.remove("sentenceEncoding");
        }
        else {
            preprocessing.set("sentenceEncoding", Json.MAPPER.readTree(encodingJson));
        }
        Files.writeString(copy.resolve(ModelArtifact.DESCRIPTOR_FILE), Json.MAPPER.writeValueAsString(descriptor));
        return copy;
    }
}

package dev.graft.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.graft.basemodel.Architectures;
import dev.graft.basemodel.Modality;

/**
 * A head trained on the frozen MiniLM encoder's embeddings generalises to sentences whose words
 * it never saw: what a from-scratch vocabulary model cannot do with six examples per class.
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

    @Test
    void aHeadOnFrozenSentenceEmbeddingsClassifiesUnseenWordingAndReloadsIdentically() {
        Engines.ensureStarted(Path.of("target"), 1);
        List<Example> train = new ArrayList<>();
        SPORT.forEach(t -> train.add(new Example(new Input.Text(t), 0)));
        COOKING.forEach(t -> train.add(new Example(new Input.Text(t), 1)));
        List<Example> validation = new ArrayList<>();
        SPORT_UNSEEN.forEach(t -> validation.add(new Example(new Input.Text(t), 0)));
        COOKING_UNSEEN.forEach(t -> validation.add(new Example(new Input.Text(t), 1)));
        TrainingRequest request = new TrainingRequest(new BaseModel.Architecture(Architectures.SENTENCE_ENCODER),
                Strategy.FEATURE_EXTRACTION,
                Hyperparameters.builder().epochs(40).batchSize(4).learningRate(0.01f).threads(1).seed(3).build(),
                new TrainingData(Modality.TEXT, List.of("sport", "cooking"), train, validation), "ds_text", work.resolve("out"),
                null, null, null);

        try (TrainingResult result = new TrainingRun().run(request, TrainingListener.NONE, CancellationToken.none());
                ModelArtifact reloaded = ModelArtifact.load(result.artifactDirectory())) {
            assertThat(result.report().accuracy()).isGreaterThanOrEqualTo(5f / 6);
            assertThat(reloaded.descriptor().preprocessing().sentenceEncoder()).isEqualTo("all-minilm-l6-v2");
            List<Input> probe = List.of(new Input.Text("The referee blew the whistle."), new Input.Text("Fry the bacon until crisp."));
            List<float[]> original = result.model().predict(probe);
            List<float[]> again = reloaded.predict(probe);
            assertThat(again.get(0)).containsExactly(original.get(0));
            assertThat(again.get(1)).containsExactly(original.get(1));
            assertThat(original.get(0)[0]).isGreaterThan(0.5f);
            assertThat(original.get(1)[1]).isGreaterThan(0.5f);
        }
    }
}

package dev.graft.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.graft.basemodel.Architectures;
import dev.graft.basemodel.Modality;
import dev.graft.basemodel.SentenceEncoderSpec;
import dev.graft.training.ModelDescriptor;
import dev.graft.training.Preprocessing;

/** A model's {@code input.preprocessing} says how a text becomes its tensor, sentence encoders included. */
class ModelInputViewTest {

    @Test
    void aModelOnASentenceEncoderShowsTheEncodingItRecorded() {
        SentenceEncoderSpec e5 = SentenceEncoderSpec.E5;
        ModelView.Input input = ModelViews.input(descriptor(new Preprocessing(Modality.TEXT, null, null, null, e5.id(),
                e5.encoding())));

        assertThat(input.shape()).containsExactly(384);
        assertThat(input.preprocessing()).containsEntry("sentence_encoder", "e5-small-v2").containsEntry("prefix", "query: ")
                .containsEntry("pooling", "mean").containsEntry("max_tokens", 512).containsEntry("normalise", true);
    }

    @Test
    void aModelMadeBeforeEncodingsWereRecordedShowsTheEncodersDefault() {
        ModelView.Input input = ModelViews.input(descriptor(new Preprocessing(Modality.TEXT, null, null, null,
                "all-minilm-l6-v2")));

        assertThat(input.preprocessing()).containsEntry("sentence_encoder", "all-minilm-l6-v2").containsEntry("max_tokens", 256)
                .containsEntry("pooling", "mean").containsEntry("prefix", "");
    }

    private static ModelDescriptor descriptor(Preprocessing preprocessing) {
        return new ModelDescriptor(ModelDescriptor.FORMAT_VERSION,
                Architectures.spec(preprocessing.sentenceEncoder(), List.of(384), 0), List.of("a", "b"), Modality.TEXT,
                preprocessing, "weights.params", null, null);
    }
}

package dev.graft.basemodel;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.graft.training.Engines;

class OnnxSentenceEncoderTest {

    @Test
    void paraphrasesAreCloserThanUnrelatedSentences() {
        Engines.ensureStarted(Path.of("target"), 0); // offline mode and DJL's cache under target/
        try (OnnxSentenceEncoder encoder = OnnxSentenceEncoder.open(Path.of("target", "encoders"))) {
            float[][] e = encoder.embed(List.of(
                    "The cat sat on the mat.",
                    "A cat was sitting on a rug.",
                    "Quarterly revenue grew by eight percent."));

            assertThat(e[0]).hasSize(384);
            assertThat(dot(e[0], e[0])).isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-4f));
            float paraphrase = dot(e[0], e[1]);
            float unrelated = dot(e[0], e[2]);
            assertThat(paraphrase).isGreaterThan(0.5f).isGreaterThan(unrelated + 0.3f);
        }
    }

    @Test
    void aTextsEmbeddingDoesNotDependOnTheOtherTextsEncodedWithIt() {
        Engines.ensureStarted(Path.of("target"), 0);
        try (OnnxSentenceEncoder encoder = OnnxSentenceEncoder.open(Path.of("target", "encoders"))) {
            float[] alone = encoder.embed(List.of("short text")).clone()[0];
            float[] padded = encoder.embed(List.of("short text", "a much longer sentence that forces padding of the first one")).clone()[0];
            assertThat(padded).containsExactly(alone);
        }
    }

    private static float dot(float[] a, float[] b) {
        float s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}

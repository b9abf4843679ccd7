package dev.graft.basemodel;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;

import org.assertj.core.data.Offset;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.graft.training.Engines;

/** Each shipped encoder loads from the classpath alone and embeds as its model card says. */
class OnnxSentenceEncoderTest {

    @BeforeAll
    static void offline() {
        Engines.ensureStarted(Path.of("target"), 0); // offline mode and DJL's cache under target/
    }

    @ParameterizedTest
    @ValueSource(strings = {"all-minilm-l6-v2", "bge-small-en-v1.5", "e5-small-v2"})
    void paraphrasesAreCloserThanUnrelatedSentences(String id) {
        try (OnnxSentenceEncoder encoder = open(id)) {
            float[][] e = encoder.embed(List.of(
                    "The cat sat on the mat.",
                    "A cat was sitting on a rug.",
                    "Quarterly revenue grew by eight percent.",
                    "The company's sales rose 8% this quarter."));

            assertThat(e[0]).hasSize(384);
            assertThat(dot(e[0], e[0])).isCloseTo(1f, Offset.offset(1e-4f));
            assertThat(dot(e[0], e[1])).isGreaterThan(dot(e[0], e[2]) + 0.1f).isGreaterThan(dot(e[0], e[3]) + 0.1f);
            assertThat(dot(e[2], e[3])).isGreaterThan(dot(e[2], e[0]) + 0.1f).isGreaterThan(dot(e[2], e[1]) + 0.1f);
        }
    }

    @Test
    void e5EmbedsEachTextAsAQueryAndBgeTakesTheClsVector() {
        try (OnnxSentenceEncoder e5 = open("e5-small-v2"); OnnxSentenceEncoder bge = open("bge-small-en-v1.5")) {
            SentenceEncoding e5Default = e5.spec().encoding();
            float[] prefixed = e5.embed(List.of("A cat was sitting on a rug."))[0];

            assertThat(e5.embed(List.of("query: A cat was sitting on a rug."), withPrefix(e5Default, ""))[0])
                    .containsExactly(prefixed);
            assertThat(e5.embed(List.of("A cat was sitting on a rug."), withPrefix(e5Default, ""))[0])
                    .isNotEqualTo(prefixed);
            SentenceEncoding mean = new SentenceEncoding(SentenceEncoding.Pooling.MEAN, "", 512, true);
            assertThat(bge.embed(List.of("A cat was sitting on a rug."))[0])
                    .isNotEqualTo(bge.embed(List.of("A cat was sitting on a rug."), mean)[0]);
        }
    }

    @Test
    void aTextsEmbeddingDoesNotDependOnTheOtherTextsEncodedWithIt() {
        try (OnnxSentenceEncoder encoder = OnnxSentenceEncoder.open(Path.of("target", "encoders"))) {
            float[] alone = encoder.embed(List.of("short text")).clone()[0];
            float[] padded = encoder.embed(List.of("short text", "a much longer sentence that forces padding of the first one")).clone()[0];
            assertThat(padded).containsExactly(alone);
        }
    }

    private static OnnxSentenceEncoder open(String id) {
        return OnnxSentenceEncoder.open(SentenceEncoderSpec.find(id).orElseThrow(), Path.of("target", "encoders"));
    }

    private static SentenceEncoding withPrefix(SentenceEncoding e, String prefix) {
        return new SentenceEncoding(e.pooling(), prefix, e.maxTokens(), e.normalise());
    }

    private static float dot(float[] a, float[] b) {
        float s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}

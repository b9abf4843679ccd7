package dev.graft.training;

import dev.graft.basemodel.Modality;
import dev.graft.basemodel.SentenceEncoding;
import java.util.List;

/**
 * How raw inputs become tensors, with the statistics fitted on the training split. Stored in the
 * artifact so that inference transforms inputs exactly as training did; exactly one of the
 * modality parts is set. {@code sentenceEncoder} names the pretrained encoder whose embeddings
 * replace the vocabulary for text ({@code all-minilm-l6-v2}, {@code bge-small-en-v1.5},
 * {@code e5-small-v2}), or is null; {@code sentenceEncoding} is how it embedded each text (null in
 * artifacts made before it was recorded: the encoder's default then).
 */
public record Preprocessing(Modality modality, ImageScaling image, FeatureScaling tabular,
        Vocabulary text, String sentenceEncoder, SentenceEncoding sentenceEncoding) {

    /** Any modality but text through a sentence encoder. */
    public Preprocessing(Modality modality, ImageScaling image, FeatureScaling tabular, Vocabulary text,
            String sentenceEncoder) {
        this(modality, image, tabular, text, sentenceEncoder, null);
    }

    /**
     * Images become {@code channels x height x width} floats in [0,1], then
     * {@code (x - mean[c]) / std[c]}.
     */
    public record ImageScaling(int channels, int height, int width, float[] mean, float[] std) {
    }

    /** Features are standardised as {@code (x - mean[i]) / std[i]}. */
    public record FeatureScaling(float[] mean, float[] std) {
    }

    /**
     * Lower-case word tokens; token id = index in {@code tokens} + 2, with 0 for padding and 1
     * for words outside the vocabulary. Every text becomes exactly {@code maxTokens} ids.
     */
    public record Vocabulary(List<String> tokens, int maxTokens) {

        public static final int PADDING_ID = 0;
        public static final int UNKNOWN_ID = 1;

        public int size() {
            return tokens.size() + 2;
        }
    }
}

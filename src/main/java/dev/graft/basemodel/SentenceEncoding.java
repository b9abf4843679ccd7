package dev.graft.basemodel;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * How a sentence encoder turns a text into its embedding: recorded in every artifact trained on
 * the encoder, so that serving embeds exactly as training did even if Graft's defaults for the
 * encoder change later.
 *
 * @param pooling how the token vectors become one vector
 * @param prefix prepended to every text before tokenising (e5's {@code "query: "}), or empty
 * @param maxTokens tokens kept (special tokens included); longer texts are truncated
 * @param normalise whether the embedding is scaled to unit length
 */
public record SentenceEncoding(Pooling pooling, String prefix, int maxTokens, boolean normalise) {

    public SentenceEncoding {
        if (pooling == null || prefix == null || maxTokens < 2) {
            throw new IllegalArgumentException("A sentence encoding needs a pooling, a prefix (maybe empty) and room "
                    + "for at least the two special tokens");
        }
    }

    /** Mean over the real (unpadded) tokens, or the first token ({@code [CLS]}). */
    public enum Pooling {
        MEAN, CLS;

        @JsonValue
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        @JsonCreator
        public static Pooling fromWireName(String name) {
            return valueOf(name.toUpperCase(Locale.ROOT));
        }
    }
}

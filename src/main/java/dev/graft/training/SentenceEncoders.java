package dev.graft.training;

import java.util.List;

import dev.graft.basemodel.OnnxSentenceEncoder;

/**
 * The process's one sentence encoder, opened at first use (ONNX Runtime session, tokenizer).
 * Calls are serialised because the encoder's predictor is not thread-safe; training embeds each
 * example once (the embeddings are then cached like any frozen backbone's), and serving embeds
 * a request's few texts.
 */
final class SentenceEncoders {

    private static OnnxSentenceEncoder encoder;
    /**
     * Recent embeddings by text: the search trains many runs on the same examples, and encoding
     * a text (not the training) is what costs with this base. Bounded, least recently used first out.
     */
    private static final int CACHED = 20_000;
    private static final java.util.Map<String, float[]> RECENT =
            new java.util.LinkedHashMap<>(1024, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(java.util.Map.Entry<String, float[]> eldest) {
                    return size() > CACHED;
                }
            };

    private SentenceEncoders() {
    }

    static synchronized float[] embed(String encoderId, String text) {
        if (!OnnxSentenceEncoder.ID.equals(encoderId)) {
            throw new IllegalArgumentException("Unknown sentence encoder: " + encoderId);
        }
        if (encoder == null) {
            encoder = OnnxSentenceEncoder.open(Engines.dataDirectory().resolve("encoders"));
        }
        float[] cached = RECENT.get(text);
        if (cached == null) {
            cached = encoder.embed(List.of(text))[0];
            RECENT.put(text, cached);
        }
        return cached.clone();
    }
}

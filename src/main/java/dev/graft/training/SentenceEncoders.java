package dev.graft.training;

import dev.graft.basemodel.OnnxSentenceEncoder;
import dev.graft.basemodel.SentenceEncoderSpec;
import dev.graft.basemodel.SentenceEncoding;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The process's sentence encoders, each opened at first use (ONNX Runtime session, tokenizer) and
 * kept. Calls are serialised because an encoder's predictor is not thread-safe; training embeds
 * each example once (the embeddings are then cached like any frozen backbone's), and serving
 * embeds a request's few texts.
 */
final class SentenceEncoders {

    private static final Map<String, OnnxSentenceEncoder> OPEN = new HashMap<>();
    /**
     * Recent embeddings by encoder, encoding and text: the search trains many runs on the same
     * examples, and encoding a text (not the training) is what costs with these bases. Bounded,
     * least recently used first out.
     */
    private static final int CACHED = 20_000;
    private static final Map<Key, float[]> RECENT = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, float[]> eldest) {
            return size() > CACHED;
        }
    };

    private record Key(String encoderId, SentenceEncoding encoding, String text) {
    }

    private SentenceEncoders() {
    }

    /**
     * @param encoding as the artifact recorded it; null (artifacts made before encodings were
     *     recorded, all MiniLM) means the encoder's default
     */
    static synchronized float[] embed(String encoderId, SentenceEncoding encoding, String text) {
        SentenceEncoderSpec spec = SentenceEncoderSpec.find(encoderId)
                .orElseThrow(() -> new IllegalArgumentException("Unknown sentence encoder: " + encoderId));
        SentenceEncoding used = encoding == null ? spec.encoding() : encoding;
        Key key = new Key(encoderId, used, text);
        float[] cached = RECENT.get(key);
        if (cached == null) {
            OnnxSentenceEncoder encoder = OPEN.computeIfAbsent(encoderId,
                    id -> OnnxSentenceEncoder.open(spec, Engines.dataDirectory().resolve("encoders")));
            cached = encoder.embed(List.of(text), used)[0];
            RECENT.put(key, cached);
        }
        return cached.clone();
    }
}

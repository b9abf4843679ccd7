package dev.graft.training;

import dev.graft.basemodel.OnnxSentenceEncoder;
import dev.graft.basemodel.SentenceEncoderSpec;
import dev.graft.basemodel.SentenceEncoding;
import java.util.HashMap;
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

    private SentenceEncoders() {
    }

    /**
     * @param encoding as the artifact recorded it; null (artifacts made before encodings were
     *     recorded, all MiniLM) means the encoder's default
     */
    static synchronized float[] embed(String encoderId, SentenceEncoding encoding, String text) {
        SentenceEncoderSpec spec = SentenceEncoderSpec.find(encoderId)
                .orElseThrow(() -> new IllegalArgumentException("Unknown sentence encoder: " + encoderId));
        OnnxSentenceEncoder encoder = OPEN.computeIfAbsent(encoderId,
                id -> OnnxSentenceEncoder.open(spec, Engines.dataDirectory().resolve("encoders")));
        return encoder.embed(List.of(text), encoding == null ? spec.encoding() : encoding)[0];
    }
}

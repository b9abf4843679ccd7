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

    private SentenceEncoders() {
    }

    static synchronized float[] embed(String encoderId, String text) {
        if (!OnnxSentenceEncoder.ID.equals(encoderId)) {
            throw new IllegalArgumentException("Unknown sentence encoder: " + encoderId);
        }
        if (encoder == null) {
            encoder = OnnxSentenceEncoder.open(Engines.dataDirectory().resolve("encoders"));
        }
        return encoder.embed(List.of(text))[0];
    }
}

package dev.graft.inference;

import java.util.List;

/**
 * The KServe V1 answer: one prediction per instance, in order.
 *
 * @param predictions each with the best label and the top-k labels by score
 */
public record Predictions(List<Prediction> predictions) {

    public record Prediction(String label, float score, List<LabelScore> topK) {
    }

    public record LabelScore(String label, float score) {
    }
}

package dev.graft.model;

import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;

/**
 * A model as the API shows it: a base model (an architecture from the catalog) or a fine-tuned
 * one. The fields a base model lacks (labels, input, lineage, evaluation, created_at, bytes) are
 * null for it; a fine-tuned model's {@code pretrained}, {@code strategies} and {@code description}
 * are those it offers as the base of a later job.
 *
 * @param available       false for catalog entries this host cannot use ({@code unavailable_reason} says why)
 * @param sourceTask      what a pretrained base learned, and its recorded {@code source_accuracy} there
 * @param status {@code not_loaded}, {@code loading}, {@code loaded} or {@code failed} for a
 *     fine-tuned model; {@code not_servable} for a base model, which has no trained head
 */
public record ModelView(String id, String object, String kind, String modality, String status, Long createdAt,
        Long bytes, List<String> labels, Input input, Lineage lineage, JsonNode evaluation, boolean pretrained,
        List<String> strategies, String description, Integer embeddingSize, String licence, String source,
        boolean available, String unavailableReason, String sourceTask, Double sourceAccuracy, JsonNode transferReport) {

    /** One example's tensor shape and how raw inputs become it, exactly as in training. */
    public record Input(List<Integer> shape, Map<String, Object> preprocessing) {
    }

    /** Where a fine-tuned model came from. */
    public record Lineage(String parent, String job, String dataset) {
    }
}

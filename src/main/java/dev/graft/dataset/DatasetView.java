package dev.graft.dataset;

import java.util.List;
import java.util.Map;

/**
 * The dataset object of the API.
 *
 * @param createdAt unix seconds, as in OpenAI's objects
 * @param details   format-specific statistics: {@code image} size range and formats,
 *                  {@code features} of a csv, {@code text_format} and {@code text_length} of text
 */
public record DatasetView(
        String id,
        String object,
        String name,
        String format,
        String status,
        String filename,
        long bytes,
        String sha256,
        long createdAt,
        int numExamples,
        List<String> labels,
        Map<String, Integer> classCounts,
        Split split,
        Map<String, Object> details) {

    /** The stored train/validation split every job on this dataset uses. */
    public record Split(double validationFraction, long seed, int trainExamples, int validationExamples) {
    }
}

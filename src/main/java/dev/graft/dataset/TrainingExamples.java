package dev.graft.dataset;

import java.util.List;

/**
 * A dataset's examples with their contents, split for training.
 *
 * @param labels class names; an item's {@code label} indexes this list
 */
public record TrainingExamples(String datasetId, String format, List<String> labels, List<Item> train, List<Item> validation) {

    /**
     * @param content {@code float[]} features (csv), {@code String} text, or an {@link ImageEntry} (image files are read when used)
     */
    public record Item(String location, int label, Object content) {
    }
}

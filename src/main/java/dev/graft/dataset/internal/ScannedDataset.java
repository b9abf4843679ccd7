package dev.graft.dataset.internal;

import java.util.List;
import java.util.Map;

/**
 * What a reader found in a valid upload.
 *
 * @param examples every example, in a deterministic order (sorted archive paths; file order for rows)
 * @param details  format-specific statistics, serialised into the dataset object as they are
 *                 (snake_case keys): image size range and formats, feature names, text lengths
 */
public record ScannedDataset(List<Example> examples, Map<String, Object> details) {
}

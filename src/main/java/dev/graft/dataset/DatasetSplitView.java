package dev.graft.dataset;

import java.util.List;

/** Which examples went to which side of the stored split, by location in the upload. */
public record DatasetSplitView(
        String object,
        String dataset,
        double validationFraction,
        long seed,
        List<ExampleRef> train,
        List<ExampleRef> validation) {

    /** @param location archive path (images) or 1-based line number (csv, text) */
    public record ExampleRef(String location, String label) {
    }
}

package dev.graft.dataset;

/**
 * The form fields of an upload, as given (nulls where absent); {@link DatasetService} checks them.
 *
 * @param filename the uploaded file's own name, used as the default {@code name}
 */
public record NewDataset(
        String name,
        String format,
        String filename,
        Double validationFraction,
        Long seed,
        String labelColumn,
        String textColumn) {
}

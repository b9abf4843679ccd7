package dev.graft.dataset.internal;

/**
 * Per-upload reading options.
 *
 * @param labelColumn     name of the label column/field (csv and text), default {@code label}
 * @param textColumn      name of the text column/field (text), default {@code text}
 * @param filename        the uploaded file's name, used to tell CSV from JSONL for text; may be null
 * @param limits          safety limits
 */
public record ReadOptions(String labelColumn, String textColumn, String filename, DatasetLimits limits) {
}

package dev.graft.dataset;

/** Response to a delete, shaped like OpenAI's {@code file.deleted}. */
public record DatasetDeleted(String id, String object, boolean deleted) {
}

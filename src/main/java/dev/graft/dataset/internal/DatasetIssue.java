package dev.graft.dataset.internal;

/**
 * One problem found in an upload. {@code location} says where: an archive path
 * ({@code cats/001.png}), a CSV position ({@code line 7, column "petal_width"} is written as
 * {@code 7:petal_width}), a JSONL line ({@code 12}) or {@code file} for the upload as a whole.
 */
public record DatasetIssue(String location, String message) {
}

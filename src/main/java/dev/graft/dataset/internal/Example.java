package dev.graft.dataset.internal;

/**
 * One labelled example as found in the upload, in the reader's deterministic order.
 *
 * @param label    its class label
 * @param location where it is: archive path for images, 1-based physical line number for rows
 */
public record Example(String label, String location) {
}

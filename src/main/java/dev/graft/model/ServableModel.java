package dev.graft.model;

import java.nio.file.Path;

import dev.graft.training.ModelDescriptor;

/**
 * What the inference feature needs to load and feed a fine-tuned model.
 *
 * @param bytes the artifact's size on disk, the cache's memory estimate
 */
public record ServableModel(String id, Path directory, long bytes, ModelDescriptor descriptor) {
}

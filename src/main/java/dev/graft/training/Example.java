package dev.graft.training;

/** A labelled input; {@code label} indexes {@link TrainingData#labels()}. */
public record Example(Input input, int label) {
}

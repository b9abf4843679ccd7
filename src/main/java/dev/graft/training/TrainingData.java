package dev.graft.training;

import dev.graft.basemodel.Modality;
import java.util.List;

/**
 * The examples of one training run, already split.
 *
 * @param labels class names; a class's id is its index here
 */
public record TrainingData(Modality modality, List<String> labels, List<Example> train,
        List<Example> validation) {

    public TrainingData {
        labels = List.copyOf(labels);
        train = List.copyOf(train);
        validation = List.copyOf(validation);
        if (labels.size() < 2) {
            throw new IllegalArgumentException("A classifier needs at least two labels");
        }
        if (train.isEmpty()) {
            throw new IllegalArgumentException("The training split is empty");
        }
        for (List<Example> split : List.of(train, validation)) {
            for (Example e : split) {
                if (e.label() < 0 || e.label() >= labels.size()) {
                    throw new IllegalArgumentException("Label index out of range: " + e.label());
                }
            }
        }
    }
}

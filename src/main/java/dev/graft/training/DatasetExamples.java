package dev.graft.training;

import java.util.List;
import java.util.Locale;

import dev.graft.basemodel.Modality;
import dev.graft.dataset.DatasetService;
import dev.graft.dataset.ImageEntry;
import dev.graft.dataset.TrainingExamples;

/**
 * A dataset's examples in the engine's terms: each item's content ({@code float[]} csv features,
 * an {@link ImageEntry} read from the stored archive when used or {@code String} text) becomes an {@link Input}, the dataset's
 * format its {@link Modality}. A training job and the ranking of base models both translate here,
 * so that a ranking scores a dataset as the job will read it.
 */
public final class DatasetExamples {

    private DatasetExamples() {
    }

    /** The train and validation splits, as a job trains on them. */
    public static TrainingData trainingData(TrainingExamples examples) {
        return new TrainingData(modality(examples), examples.labels(), examples(examples.train()), examples(examples.validation()));
    }

    /** The train split alone, without a validation split (what a ranking scores). */
    public static TrainingData trainSplit(TrainingExamples examples) {
        return new TrainingData(modality(examples), examples.labels(), examples(examples.train()), List.of());
    }

    private static Modality modality(TrainingExamples examples) {
        return Modality.valueOf(DatasetService.modality(examples.format()).toUpperCase(Locale.ROOT));
    }

    private static List<Example> examples(List<TrainingExamples.Item> items) {
        return items.stream().map(i -> new Example(input(i.content()), i.label())).toList();
    }

    private static Input input(Object content) {
        if (content instanceof float[] features) {
            return new Input.Tabular(features);
        }
        if (content instanceof ImageEntry image) {
            return new Input.StoredImage(image.identity(), image::read);
        }
        return new Input.Text((String) content);
    }
}

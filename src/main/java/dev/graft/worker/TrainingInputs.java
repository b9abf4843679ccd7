package dev.graft.worker;

import java.util.List;

import dev.graft.basemodel.Modality;
import dev.graft.dataset.DatasetService;
import dev.graft.dataset.ImageEntry;
import dev.graft.dataset.TrainingExamples;
import dev.graft.training.Example;
import dev.graft.training.Input;
import dev.graft.training.TrainingData;

/** Translates the job's and the dataset's terms into the engine's. */
final class TrainingInputs {

    TrainingData data(TrainingExamples examples) {
        Modality modality = Modality.valueOf(DatasetService.modality(examples.format()).toUpperCase(java.util.Locale.ROOT));
        return new TrainingData(modality, examples.labels(), examples(examples.train()), examples(examples.validation()));
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

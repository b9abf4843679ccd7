package dev.graft.training;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;


/** Stratified, seeded fractions of a train split; the validation split stays whole so points compare. */
final class Subsets {

    private Subsets() {
    }

    static TrainingData stratified(TrainingData data, double fraction, long seed) {
        List<List<Example>> byClass = new ArrayList<>();
        for (int c = 0; c < data.labels().size(); c++) {
            byClass.add(new ArrayList<>());
        }
        data.train().forEach(e -> byClass.get(e.label()).add(e));
        Random random = new Random(seed);
        List<Example> kept = new ArrayList<>();
        for (List<Example> examples : byClass) {
            Collections.shuffle(examples, random);
            // At least one per class, so that no class vanishes from a small subset.
            int n = examples.isEmpty() ? 0 : Math.max(1, (int) Math.round(examples.size() * fraction));
            kept.addAll(examples.subList(0, n));
        }
        return new TrainingData(data.modality(), data.labels(), kept, data.validation());
    }
}

package dev.graft.dataset.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/** Splits examples into training and validation sets, stratified by class and reproducible. */
public final class SplitPlanner {

    /** Indices into the example list, each ascending. */
    public record Split(List<Integer> train, List<Integer> validation) {
    }

    private SplitPlanner() {
    }

    public static Split plan(List<Example> examples, double validationFraction, long seed) {
        if (!(validationFraction > 0 && validationFraction < 1)) {
            throw new IllegalArgumentException("validationFraction must be between 0 and 1, was "
                    + validationFraction);
        }
        Map<String, List<Integer>> byClass = new TreeMap<>();
        for (int i = 0; i < examples.size(); i++) {
            byClass.computeIfAbsent(examples.get(i).label(), k -> new ArrayList<>()).add(i);
        }
        // java.util.Random's algorithm is fixed by its specification, so a seed gives the same
        // split on every JVM; classes are visited in sorted order to keep the draw sequence stable.
        Random random = new Random(seed);
        List<Integer> train = new ArrayList<>();
        List<Integer> validation = new ArrayList<>();
        for (List<Integer> indices : byClass.values()) {
            shuffle(indices, random);
            int n = indices.size();
            int toValidation = (int) Math.round(n * validationFraction);
            if (n >= 2) {
                // Every class must be both learned and measured.
                toValidation = Math.max(1, Math.min(n - 1, toValidation));
            } else {
                toValidation = 0;
            }
            validation.addAll(indices.subList(0, toValidation));
            train.addAll(indices.subList(toValidation, n));
        }
        Collections.sort(train);
        Collections.sort(validation);
        return new Split(List.copyOf(train), List.copyOf(validation));
    }

    // Fisher-Yates written out rather than Collections.shuffle, whose algorithm is not specified.
    private static void shuffle(List<Integer> list, Random random) {
        for (int i = list.size() - 1; i > 0; i--) {
            Collections.swap(list, i, random.nextInt(i + 1));
        }
    }
}

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

    /**
     * At most {@code size} of the examples at {@code indices}, stratified: every class keeps at
     * least one example while {@code size} allows, and otherwise its share. Reproducible for a
     * seed, ascending like a split's indices.
     */
    public static List<Integer> sample(List<Example> examples, List<Integer> indices, int size, long seed) {
        if (indices.size() <= size) {
            return List.copyOf(indices);
        }
        Map<String, List<Integer>> byClass = new TreeMap<>();
        for (int i : indices) {
            byClass.computeIfAbsent(examples.get(i).label(), k -> new ArrayList<>()).add(i);
        }
        List<List<Integer>> classes = new ArrayList<>(byClass.values());
        // One of each class first when the size allows (a class left out could not be scored),
        // then the rest in proportion to what each class has left, largest remainders rounding up.
        int reserved = size >= classes.size() ? 1 : 0;
        int budget = size - reserved * classes.size();
        int pool = indices.size() - reserved * classes.size();
        int[] quota = new int[classes.size()];
        double[] remainder = new double[classes.size()];
        int taken = 0;
        for (int c = 0; c < classes.size(); c++) {
            double share = (double) budget * (classes.get(c).size() - reserved) / pool;
            quota[c] = reserved + (int) share;
            remainder[c] = share - (int) share;
            taken += quota[c];
        }
        while (taken < size) {
            int best = -1;
            for (int c = 0; c < classes.size(); c++) {
                if (quota[c] < classes.get(c).size() && (best < 0 || remainder[c] > remainder[best])) {
                    best = c;
                }
            }
            quota[best]++;
            remainder[best] = -1;
            taken++;
        }
        Random random = new Random(seed);
        List<Integer> chosen = new ArrayList<>();
        for (int c = 0; c < classes.size(); c++) {
            List<Integer> members = new ArrayList<>(classes.get(c));
            shuffle(members, random);
            chosen.addAll(members.subList(0, quota[c]));
        }
        Collections.sort(chosen);
        return List.copyOf(chosen);
    }

    // Fisher-Yates written out rather than Collections.shuffle, whose algorithm is not specified.
    private static void shuffle(List<Integer> list, Random random) {
        for (int i = list.size() - 1; i > 0; i--) {
            Collections.swap(list, i, random.nextInt(i + 1));
        }
    }
}

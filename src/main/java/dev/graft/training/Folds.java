package dev.graft.training;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * How the search holds examples out. Below {@link #CROSS_VALIDATION_MAX} labelled examples, a
 * stratified {@value #K}-fold split of all of them (train and validation together): a 20%
 * validation split of such a set holds under 200 examples, whose accuracy has a standard error
 * of about 3 points near 80%, too coarse to tell candidates a point or two apart, while every
 * example is held out once across folds. Above it, the dataset's validation split, once.
 */
final class Folds {

    static final int CROSS_VALIDATION_MAX = 1000;
    static final int K = 3;

    /** All labelled examples, train split first. */
    final List<Example> pool;
    /** Each pool example's fold; -1 for never held out (the train split in validation-split mode). */
    final int[] foldOf;
    final int count;
    final boolean crossValidation;

    private Folds(List<Example> pool, int[] foldOf, int count, boolean crossValidation) {
        this.pool = pool;
        this.foldOf = foldOf;
        this.count = count;
        this.crossValidation = crossValidation;
    }

    static Folds of(TrainingData data, long seed) {
        List<Example> pool = new ArrayList<>(data.train());
        pool.addAll(data.validation());
        int k = data.labels().size();
        int[] perClass = new int[k];
        pool.forEach(e -> perClass[e.label()]++);
        int smallest = Integer.MAX_VALUE;
        for (int c : perClass) {
            smallest = Math.min(smallest, c);
        }
        int[] foldOf = new int[pool.size()];
        if (pool.size() > CROSS_VALIDATION_MAX && !data.validation().isEmpty() || smallest < 2) {
            if (data.validation().isEmpty()) {
                throw new IllegalArgumentException("The search needs a validation split or at least "
                        + "2 examples per class");
            }
            for (int i = 0; i < pool.size(); i++) {
                foldOf[i] = i < data.train().size() ? -1 : 0;
            }
            return new Folds(pool, foldOf, 1, false);
        }
        int folds = Math.min(K, smallest);
        Random random = new Random(seed);
        for (int c = 0; c < k; c++) {
            List<Integer> members = new ArrayList<>();
            for (int i = 0; i < pool.size(); i++) {
                if (pool.get(i).label() == c) {
                    members.add(i);
                }
            }
            Collections.shuffle(members, random);
            for (int j = 0; j < members.size(); j++) {
                foldOf[members.get(j)] = j % folds;
            }
        }
        return new Folds(pool, foldOf, folds, true);
    }

    /** Fold {@code f}: train on the rest, hold {@code f} out. */
    TrainingData split(TrainingData data, int f) {
        List<Example> train = new ArrayList<>();
        List<Example> heldOut = new ArrayList<>();
        for (int i = 0; i < pool.size(); i++) {
            (foldOf[i] == f ? heldOut : train).add(pool.get(i));
        }
        return new TrainingData(data.modality(), data.labels(), train, heldOut);
    }

    /** Pool indices of fold {@code f}'s held-out examples, in the order {@link #split} lists them. */
    int[] heldOut(int f) {
        return java.util.stream.IntStream.range(0, pool.size()).filter(i -> foldOf[i] == f).toArray();
    }

    /** Share of the pool a fold trains on. */
    double trainShare() {
        long held = java.util.Arrays.stream(foldOf).filter(f -> f == 0).count();
        return 1 - (double) held / pool.size();
    }
}

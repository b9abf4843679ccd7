package dev.graft.training;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The paired bootstrap of a difference in accuracy: both models are scored on the same validation
 * examples, so each resample draws examples (with replacement) and takes the difference of the two
 * models' accuracies on them. Pairing removes the examples' own difficulty from the spread.
 */
final class Bootstrap {

    static final int RESAMPLES = 2000;

    private Bootstrap() {
    }

    /** Mean and 95% percentile interval of accuracy(a) - accuracy(b), as fractions. */
    record Interval(double mean, double low, double high) {
    }

    static Interval pairedGain(boolean[] a, boolean[] b, long seed) {
        if (a.length != b.length || a.length == 0) {
            throw new IllegalArgumentException("Both models must be scored on the same, non-empty validation split");
        }
        int n = a.length;
        int[] diff = new int[n];
        double mean = 0;
        for (int i = 0; i < n; i++) {
            diff[i] = (a[i] ? 1 : 0) - (b[i] ? 1 : 0);
            mean += diff[i];
        }
        mean /= n;
        SplittableRandom random = new SplittableRandom(seed);
        double[] gains = new double[RESAMPLES];
        for (int r = 0; r < RESAMPLES; r++) {
            long sum = 0;
            for (int i = 0; i < n; i++) {
                sum += diff[random.nextInt(n)];
            }
            gains[r] = (double) sum / n;
        }
        Arrays.sort(gains);
        return new Interval(mean, gains[(int) (0.025 * RESAMPLES)], gains[(int) (0.975 * RESAMPLES) - 1]);
    }
}

package dev.graft.basemodel;

import dev.graft.training.Strategy;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/** The markdown summary of {@link MnistFewShot}'s pairs: mean and min–max per base and strategy. */
final class FewShotTable {

    private FewShotTable() {
    }

    static String markdown(List<MnistFewShot.Pair> pairs, int testSize, int seeds,
            double seconds) {
        StringBuilder md = new StringBuilder();
        md.append("# Few-shot transfer from the MNIST bases\n\n")
                .append(String.format(Locale.ROOT, "Bases pretrained on MNIST digits 0-4, adapted "
                        + "to digits 5-9 (never seen in pretraining) with %d training digits per "
                        + "class; accuracy on all %d MNIST test digits 5-9. \"Scratch\" is the "
                        + "same architecture trained from random weights on the same 50 digits "
                        + "with the same strategy, epochs (%d), batch (%d), learning rate (%s, "
                        + "backbone multiplier 1) and seed. %d seeds (each draws other digits, "
                        + "initialisation and order); mean and min–max over seeds. Made by "
                        + "`scripts/pretrain-bases.sh --few-shot` in %.0f s.%n%n",
                        MnistFewShot.SHOTS_PER_CLASS, testSize, MnistFewShot.EPOCHS,
                        MnistFewShot.BATCH, MnistFewShot.LEARNING_RATE, seeds, seconds))
                .append("| base | strategy | pretrained | scratch | gain (paired) | "
                        + "pretrained wins |\n")
                .append("|---|---|---|---|---|---|\n");
        for (String base : MnistFewShot.BASE_ORDER) {
            for (Strategy strategy : MnistFewShot.STRATEGIES) {
                List<MnistFewShot.Pair> rows = pairs.stream().filter(p -> p.base().equals(base)
                        && p.strategy().equals(strategy.wireName())).toList();
                long wins = rows.stream().filter(p -> p.pretrained() > p.scratch()).count();
                md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %d/%d |%n",
                        base, strategy.wireName(), spread(rows, MnistFewShot.Pair::pretrained),
                        spread(rows, MnistFewShot.Pair::scratch),
                        spread(rows, p -> p.pretrained() - p.scratch()), wins, rows.size()));
            }
        }
        return md.toString();
    }

    private static String spread(List<MnistFewShot.Pair> rows,
            ToDoubleFunction<MnistFewShot.Pair> value) {
        double[] v = rows.stream().mapToDouble(value).toArray();
        double mean = Arrays.stream(v).average().orElse(Double.NaN);
        double min = Arrays.stream(v).min().orElse(Double.NaN);
        double max = Arrays.stream(v).max().orElse(Double.NaN);
        return String.format(Locale.ROOT, "%.3f (%.3f–%.3f)", mean, min, max);
    }
}

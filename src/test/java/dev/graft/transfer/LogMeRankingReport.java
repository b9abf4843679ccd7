package dev.graft.transfer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/** The markdown summary of {@link LogMeRankingBenchmark}: per-base means, then rank agreement. */
final class LogMeRankingReport {

    private LogMeRankingReport() {
    }

    static String markdown(List<LogMeRankingBenchmark.Run> runs, int trainingExamples, int heldOut, int seeds,
            int threads, double seconds) {
        List<String> models = LogMeRankingBenchmark.CANDIDATES;
        double[] logme = means(runs, models, LogMeRankingBenchmark.Run::logme);
        double[] fe = means(runs, models, LogMeRankingBenchmark.Run::featureExtraction);
        double[] full = means(runs, models, LogMeRankingBenchmark.Run::full);
        double[] best = new double[models.size()];
        for (int i = 0; i < best.length; i++) {
            best[i] = Math.max(fe[i], full[i]);
        }
        StringBuilder md = new StringBuilder("# LogME ranking against fine-tuned accuracy\n\n");
        md.append(String.format(Locale.ROOT, "Few-shot task: MNIST digits 5-9 (unseen by the MNIST bases, pretrained on "
                + "0-4), %d training digits (`src/test/resources/mnist/target-train-5-9`), accuracy on %d held-out test "
                + "digits (`target-test-5-9`). Candidates: the image bases `POST /v1/models:rank` ranks by default. LogME "
                + "is computed as the endpoint computes it, on the %d training digits; fine-tuning uses the few-shot "
                + "benchmark's budget (30 epochs, batch 10, Adam 3e-3, backbone multiplier 1, no validation split). "
                + "%d seed(s) (initialisation and order; the digits are fixed), mean and min–max; a from-scratch "
                + "architecture's LogME is taken on the random weights its runs start from. %d threads, %.0f s. "
                + "Made by `bench/logme-ranking.sh`.%n%n", trainingExamples, heldOut, trainingExamples, seeds, threads,
                seconds));
        md.append("| base | pretrained | LogME | LogME rank | feature_extraction | full | LogME time |\n")
                .append("|---|---|---|---|---|---|---|\n");
        int[] rank = ranks(logme);
        for (int i = 0; i < models.size(); i++) {
            String model = models.get(i);
            List<LogMeRankingBenchmark.Run> rows = runs.stream().filter(r -> r.model().equals(model)).toList();
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %d | %s | %s | %.2f s |%n", model,
                    rows.get(0).pretrained() ? "yes" : "no (random)",
                    spread(rows, LogMeRankingBenchmark.Run::logme, "%.4f"), rank[i],
                    spread(rows, LogMeRankingBenchmark.Run::featureExtraction, "%.3f"),
                    spread(rows, LogMeRankingBenchmark.Run::full, "%.3f"),
                    rows.stream().mapToDouble(LogMeRankingBenchmark.Run::logmeSeconds).average().orElse(0)));
        }
        md.append("\n| accuracy ranked against LogME | Kendall τ-b (means) | τ-b per seed, mean (min–max) | "
                + "LogME's top pick (means) | best by accuracy (means) | top pick best, per seed |\n"
                + "|---|---|---|---|---|---|\n");
        agreement(md, "feature_extraction", runs, models, logme, fe, LogMeRankingBenchmark.Run::featureExtraction);
        agreement(md, "full", runs, models, logme, full, LogMeRankingBenchmark.Run::full);
        agreement(md, "best of the two", runs, models, logme, best,
                r -> Math.max(r.featureExtraction(), r.full()));
        return md.toString();
    }

    private static void agreement(StringBuilder md, String name, List<LogMeRankingBenchmark.Run> runs,
            List<String> models, double[] logme, double[] accuracy, ToDoubleFunction<LogMeRankingBenchmark.Run> value) {
        List<Double> perSeed = new ArrayList<>();
        int[] topPickBest = new int[1];
        runs.stream().mapToLong(LogMeRankingBenchmark.Run::seed).distinct().forEach(seed -> {
            double[] l = new double[models.size()];
            double[] a = new double[models.size()];
            for (int i = 0; i < models.size(); i++) {
                String model = models.get(i);
                LogMeRankingBenchmark.Run r = runs.stream().filter(x -> x.seed() == seed && x.model().equals(model))
                        .findFirst().orElseThrow();
                l[i] = r.logme();
                a[i] = value.applyAsDouble(r);
            }
            perSeed.add(kendallTauB(l, a));
            topPickBest[0] += a[argMax(l)] == a[argMax(a)] ? 1 : 0;
        });
        double mean = perSeed.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        double min = perSeed.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
        double max = perSeed.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
        String top = models.get(argMax(logme));
        String bestModel = models.get(argMax(accuracy));
        md.append(String.format(Locale.ROOT, "| %s | %.2f | %.2f (%.2f–%.2f) | %s (%.3f) | %s (%.3f) | %d/%d |%n", name,
                kendallTauB(logme, accuracy), mean, min, max, top, accuracy[models.indexOf(top)], bestModel,
                accuracy[argMax(accuracy)], topPickBest[0], perSeed.size()));
    }

    /** Kendall's τ-b: (concordant - discordant) pairs, corrected for ties on either side. */
    static double kendallTauB(double[] x, double[] y) {
        long concordant = 0;
        long discordant = 0;
        long tiesX = 0;
        long tiesY = 0;
        for (int i = 0; i < x.length; i++) {
            for (int j = i + 1; j < x.length; j++) {
                int sx = Double.compare(x[i], x[j]);
                int sy = Double.compare(y[i], y[j]);
                if (sx == 0 && sy == 0) {
                    continue;
                }
                if (sx == 0) {
                    tiesX++;
                }
                else if (sy == 0) {
                    tiesY++;
                }
                else if (sx == sy) {
                    concordant++;
                }
                else {
                    discordant++;
                }
            }
        }
        double denominator = Math.sqrt((double) (concordant + discordant + tiesX) * (concordant + discordant + tiesY));
        return denominator == 0 ? Double.NaN : (concordant - discordant) / denominator;
    }

    private static double[] means(List<LogMeRankingBenchmark.Run> runs, List<String> models,
            ToDoubleFunction<LogMeRankingBenchmark.Run> value) {
        return models.stream().mapToDouble(m -> runs.stream().filter(r -> r.model().equals(m)).mapToDouble(value)
                .average().orElse(Double.NaN)).toArray();
    }

    private static int[] ranks(double[] scores) {
        int[] rank = new int[scores.length];
        for (int i = 0; i < scores.length; i++) {
            rank[i] = 1;
            for (double other : scores) {
                rank[i] += other > scores[i] ? 1 : 0;
            }
        }
        return rank;
    }

    private static int argMax(double[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }

    private static String spread(List<LogMeRankingBenchmark.Run> rows, ToDoubleFunction<LogMeRankingBenchmark.Run> value,
            String format) {
        double[] v = rows.stream().mapToDouble(value).toArray();
        double mean = Arrays.stream(v).average().orElse(Double.NaN);
        double min = Arrays.stream(v).min().orElse(Double.NaN);
        double max = Arrays.stream(v).max().orElse(Double.NaN);
        if (min == max) {
            return String.format(Locale.ROOT, format, mean);
        }
        return String.format(Locale.ROOT, format + " (" + format + "–" + format + ")", mean, min, max);
    }
}

package dev.graft.training;

import static dev.graft.training.TrainingBenchmark.key;

import java.util.Locale;
import java.util.Map;

/** The Markdown tables of {@code bench/results/training.md}. */
final class BenchmarkTables {

    private BenchmarkTables() {
    }

    static void write(BenchmarkReport r, Map<String, TrainingData> data) {
        Map<String, Object> env = r.environment();
        r.line("# Training throughput");
        r.line("");
        r.line("Written by `bench/training.sh` on " + env.get("date") + ". Every figure is the "
                + "median (min–max) over " + env.get("rounds") + " rounds; within a round the "
                + "variants run one after the other, in an order that alternates between rounds. "
                + "Both frameworks use " + env.get("threads") + " intra-op threads and batch size "
                + env.get("batch_size") + ".");
        r.line("");
        r.line("Data (fixed seeds): " + data.get(BenchmarkData.IMAGES).train().size()
                + " grayscale 28×28 stripe images in 10 classes for `arch-cnn-small` and "
                + "`arch-resnet20`; " + data.get(BenchmarkData.TABULAR).train().size()
                + " rows of 32 features in 10 classes for `arch-mlp`. No validation split, "
                + "checkpoints off. Bases are the untrained architectures: a step costs the same "
                + "whatever the weights.");
        r.line("");
        r.line("## Samples/s by base and strategy (DJL, through `TrainingRun`)");
        r.line("");
        r.line("Each run: " + env.get("warmup_epochs") + " warm-up epoch (not counted), then "
                + env.get("measured_epochs") + " timed epochs. `feature_extraction` epochs train "
                + "the head on cached embeddings (the cache is built before the first epoch and "
                + "timed in the next table); `partial` unfreezes the top unit.");
        r.line("");
        r.line("| base | feature_extraction | partial | full |");
        r.line("|---|---|---|---|");
        for (String arch : TrainingBenchmark.ARCHS) {
            r.line("| `" + arch + "` | " + r.spread(key("djl", arch, "feature_extraction"))
                    .format("%.0f") + " | " + r.spread(key("djl", arch, "partial")).format("%.0f")
                    + " | " + r.spread(key("djl", arch, "full")).format("%.0f") + " |");
        }
        r.line("");
        r.line("## Feature extraction: embedding cache against the frozen backbone every epoch");
        r.line("");
        r.line(env.get("cache_comparison_epochs") + "-epoch runs of the same loop, freezing and "
                + "optimiser. Cached: the engine's path (backbone once over the data in inference "
                + "mode, then the head trains on the embeddings). Uncached: the frozen backbone "
                + "runs forward in inference mode on every batch of every epoch. A steady epoch is "
                + "the mean of epochs 2–" + env.get("cache_comparison_epochs") + "; the totals "
                + "include the cache build.");
        r.line("");
        r.line("| base | cache build (s) | epoch cached (s) | epoch uncached (s) | speed-up per "
                + "epoch | total cached (s) | total uncached (s) | speed-up over the run |");
        r.line("|---|---|---|---|---|---|---|---|");
        for (String arch : TrainingBenchmark.ARCHS) {
            r.line("| `" + arch + "` | " + cache(r, arch, "build_seconds", "%.3f")
                    + " | " + cache(r, arch, "cached_epoch_seconds", "%.4f")
                    + " | " + cache(r, arch, "uncached_epoch_seconds", "%.3f")
                    + " | " + cache(r, arch, "speedup_per_epoch", "%.1f×")
                    + " | " + cache(r, arch, "cached_total_seconds", "%.3f")
                    + " | " + cache(r, arch, "uncached_total_seconds", "%.3f")
                    + " | " + cache(r, arch, "speedup_total", "%.1f×") + " |");
        }
        r.line("");
        r.line("## DJL against PyTorch eager (`full` strategy)");
        r.line("");
        r.line("The same network, loss, optimiser (Adam, lr 1e-3 for the head and 1e-4 for the "
                + "backbone), batch, threads and encoded data in `bench/pytorch_reference.py`, "
                + "run by Debian's Python in a process kept alive and idle while the JVM "
                + "measures. The ratio is taken within each round.");
        r.line("");
        r.line("| base | parameters DJL / PyTorch | DJL samples/s | PyTorch samples/s "
                + "| DJL / PyTorch |");
        r.line("|---|---|---|---|---|");
        for (String arch : TrainingBenchmark.ARCHS) {
            r.line("| `" + arch + "` | " + String.format(Locale.ROOT, "%.0f / %.0f",
                    r.spread(key("parameters", arch, "djl")).max(),
                    r.spread(key("parameters", arch, "pytorch")).max())
                    + " | " + r.spread(key("djl", arch, "full")).format("%.0f")
                    + " | " + r.spread(key("pytorch", arch, "full")).format("%.0f")
                    + " | " + r.spread(key("ratio_djl_to_pytorch", arch, "full")).format("%.2f")
                    + " |");
        }
        r.line("");
        r.line("## Environment");
        r.line("");
        env.forEach((k, v) -> r.line("- " + k + ": " + v));
    }

    private static String cache(BenchmarkReport r, String arch, String quantity, String format) {
        return r.spread(key("cache", arch, quantity)).format(format);
    }
}

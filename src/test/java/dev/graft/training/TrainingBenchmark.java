package dev.graft.training;

import ai.djl.engine.Engine;
import dev.graft.basemodel.Architectures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * Training throughput benchmark (not a test; run with {@code bench/training.sh}, see
 * {@code bench/README.md}). Each round measures, one after the other on the same data, batch
 * size and thread count: every base under every strategy; feature extraction with and without
 * the embedding cache; and the PyTorch eager reference. The order of the variants alternates
 * from round to round so that no variant always runs first on a warm or a cold machine.
 *
 * <p>Arguments: {@code [threads] [rounds] [outputDirectory]}, default {@code 2 7 bench/results}.
 */
public final class TrainingBenchmark {

    static final List<String> ARCHS = List.of(Architectures.MLP, Architectures.CNN_SMALL,
            Architectures.RESNET20);
    static final List<Strategy> STRATEGIES = List.of(Strategy.FEATURE_EXTRACTION,
            Strategy.PARTIAL, Strategy.FULL);
    private static final List<Strategy> STRATEGIES_REVERSED = List.of(Strategy.FULL,
            Strategy.PARTIAL, Strategy.FEATURE_EXTRACTION);
    static final int BATCH = 32;
    static final int WARMUP_EPOCHS = 1;
    static final int MEASURED_EPOCHS = 3;
    static final int CACHE_EPOCHS = 5;

    private TrainingBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
        Path out = Path.of(args.length > 2 ? args[2] : "bench/results");
        Engine engine = Engines.ensureStarted(Path.of("target/graft-bench-data"), threads);
        Map<String, TrainingData> data = Map.of(BenchmarkData.IMAGES, BenchmarkData.images(),
                BenchmarkData.TABULAR, BenchmarkData.tabular());
        Path exported = Path.of("target/bench-data");
        BenchmarkData.export(exported, BenchmarkData.IMAGES, Architectures.CNN_SMALL,
                data.get(BenchmarkData.IMAGES));
        BenchmarkData.export(exported, BenchmarkData.TABULAR, Architectures.MLP,
                data.get(BenchmarkData.TABULAR));
        Hyperparameters hp = Hyperparameters.builder().batchSize(BATCH).threads(threads)
                .epochs(WARMUP_EPOCHS + MEASURED_EPOCHS).build();
        BenchmarkRuns runs = new BenchmarkRuns(Files.createDirectories(Path.of("target/bench-runs")));
        BenchmarkReport report = new BenchmarkReport();
        long started = System.nanoTime();
        try (PytorchReference torch = new PytorchReference(exported, threads)) {
            // Round 0 warms the JIT and both frameworks' allocators; its figures are dropped.
            for (int round = 0; round <= rounds; round++) {
                measureRound(torch, runs, data, hp, round % 2 == 0,
                        round == 0 ? new BenchmarkReport() : report);
                System.out.printf(Locale.ROOT, "round %d/%d done after %.0f s%n", round, rounds,
                        (System.nanoTime() - started) / 1e9);
            }
            environment(report, engine, torch.environment(), threads, rounds);
        }
        report.environment("wall_seconds", (System.nanoTime() - started) / 1e9);
        BenchmarkTables.write(report, data);
        report.write(out, "training");
        System.out.println(String.join("\n", Files.readAllLines(out.resolve("training.md"))));
    }

    private static void measureRound(PytorchReference torch, BenchmarkRuns runs,
            Map<String, TrainingData> data, Hyperparameters hp, boolean reversed,
            BenchmarkReport report) {
        for (String arch : ARCHS) {
            TrainingData d = data.get(BenchmarkData.dataFor(arch));
            if (reversed) {
                pytorch(torch, arch, report);
            }
            for (Strategy s : reversed ? STRATEGIES_REVERSED : STRATEGIES) {
                BenchmarkRuns.Timing t = runs.facade(arch, s, d, hp);
                report.add(key("djl", arch, s.wireName()),
                        t.samplesPerSecond(d.train().size(), WARMUP_EPOCHS));
                report.add(key("parameters", arch, "djl"), t.parameters());
            }
            if (!reversed) {
                pytorch(torch, arch, report);
            }
            report.add(key("ratio_djl_to_pytorch", arch, "full"),
                    last(report, key("djl", arch, "full"))
                            / last(report, key("pytorch", arch, "full")));
            cacheComparison(runs, arch, d, hp.toBuilder().epochs(CACHE_EPOCHS).build(), reversed, report);
        }
    }

    private static void pytorch(PytorchReference torch, String arch, BenchmarkReport report) {
        JsonNode answer = torch.train(arch, BenchmarkData.dataFor(arch), WARMUP_EPOCHS,
                MEASURED_EPOCHS);
        report.add(key("pytorch", arch, "full"), answer.get("samples_per_second").asDouble());
        report.add(key("parameters", arch, "pytorch"), answer.get("parameters").asDouble());
    }

    /**
     * Cached against uncached feature extraction, paired within the round: speed-up of a steady
     * epoch (epochs after the first), and of the whole run with the cache's one-off cost.
     */
    private static void cacheComparison(BenchmarkRuns runs, String arch, TrainingData d,
            Hyperparameters hp, boolean reversed, BenchmarkReport report) {
        BenchmarkRuns.Timing uncached = null;
        if (reversed) {
            uncached = runs.featureExtraction(arch, d, hp, false);
        }
        BenchmarkRuns.Timing cached = runs.featureExtraction(arch, d, hp, true);
        if (!reversed) {
            uncached = runs.featureExtraction(arch, d, hp, false);
        }
        int n = d.train().size();
        double cachedEpoch = n / cached.samplesPerSecond(n, WARMUP_EPOCHS);
        double uncachedEpoch = n / uncached.samplesPerSecond(n, WARMUP_EPOCHS);
        report.add(key("cache", arch, "build_seconds"), cached.cacheSeconds());
        report.add(key("cache", arch, "cached_epoch_seconds"), cachedEpoch);
        report.add(key("cache", arch, "uncached_epoch_seconds"), uncachedEpoch);
        report.add(key("cache", arch, "speedup_per_epoch"), uncachedEpoch / cachedEpoch);
        report.add(key("cache", arch, "cached_total_seconds"), cached.total());
        report.add(key("cache", arch, "uncached_total_seconds"), uncached.total());
        report.add(key("cache", arch, "speedup_total"), uncached.total() / cached.total());
    }

    private static void environment(BenchmarkReport report, Engine engine, JsonNode torch,
            int threads, int rounds) {
        report.environment("date", Instant.now().toString());
        report.environment("cpu", cpuModel());
        report.environment("available_processors", Runtime.getRuntime().availableProcessors());
        report.environment("java", System.getProperty("java.vm.name") + " "
                + System.getProperty("java.version"));
        report.environment("djl", Engine.getDjlVersion() + ", " + engine.getEngineName() + " "
                + engine.getVersion());
        report.environment("python_torch", torch.get("torch").asString() + ", oneDNN "
                + torch.get("mkldnn").asBoolean() + ", threads " + torch.get("threads").asInt());
        report.environment("threads", threads);
        report.environment("batch_size", BATCH);
        report.environment("rounds", rounds);
        report.environment("warmup_epochs", WARMUP_EPOCHS);
        report.environment("measured_epochs", MEASURED_EPOCHS);
        report.environment("cache_comparison_epochs", CACHE_EPOCHS);
    }

    static String key(String... parts) {
        return String.join("/", parts);
    }

    private static double last(BenchmarkReport report, String key) {
        List<Double> values = report.spread(key).values();
        return values.get(values.size() - 1);
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(l -> l.startsWith("model name")).findFirst()
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}

package dev.graft.transfer;

import dev.graft.basemodel.MnistDigits;
import dev.graft.basemodel.MnistFewShot;
import dev.graft.basemodel.MnistTasks;
import dev.graft.basemodel.Modality;
import dev.graft.training.BaseModel;
import dev.graft.training.CancellationToken;
import dev.graft.training.Engines;
import dev.graft.training.Example;
import dev.graft.training.FrozenEmbeddings;
import dev.graft.training.Hyperparameters;
import dev.graft.training.Strategy;
import dev.graft.training.TrainingData;
import dev.graft.training.TrainingListener;
import dev.graft.training.TrainingRequest;
import dev.graft.training.TrainingResult;
import dev.graft.training.TrainingRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Does the LogME ranking agree with fine-tuning? (Not a test: {@code bench/logme-ranking.sh}, see
 * {@code bench/README.md}.) On the committed few-shot task (MNIST digits 5-9, 10 training digits
 * per class, unseen by the MNIST bases), every image base that {@code POST /v1/models:rank} ranks
 * by default is scored by LogME on the 50 training digits exactly as the endpoint scores it
 * ({@link FrozenEmbeddings}, then {@link LogMe}), then fine-tuned on the same digits under
 * {@code feature_extraction} and {@code full} with the few-shot benchmark's budget and scored on
 * the 500 committed held-out test digits. Per seed, a from-scratch architecture's LogME is computed
 * on the very random weights its runs start from (same engine seed, same construction).
 *
 * <p>Arguments: {@code [threads] [seeds] [output-dir]}.
 */
public final class LogMeRankingBenchmark {

    private static final Path MNIST = Path.of("src/test/resources/mnist");
    private static final Path CATALOG = Path.of("src/main/resources/catalog");
    /** The candidates the endpoint ranks by default on an image dataset, in catalog order. */
    static final List<String> CANDIDATES = List.of("arch-cnn-small", "arch-resnet20", "arch-resnet18",
            "mnist-cnn-small", "mnist-resnet20");
    private static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    /** One base under one seed: its LogME and what fine-tuning made of it. */
    record Run(String model, boolean pretrained, long seed, double logme, double logmeSeconds,
            float featureExtraction, float full, double trainingSeconds) {
    }

    private LogMeRankingBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        int seeds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        Path out = Path.of(args.length > 2 ? args[2] : "bench/results");
        Engines.ensureStarted(Path.of("target/graft-bench-data"), threads);
        long started = System.nanoTime();

        TrainingData shots = new TrainingData(Modality.IMAGE, MnistTasks.labels(MnistTasks.TARGET_FIRST),
                MnistTasks.examples(MnistDigits.read(MNIST, "target-train-5-9"), MnistTasks.TARGET_FIRST), List.of());
        List<Example> heldOut = MnistTasks.examples(MnistDigits.read(MNIST, "target-test-5-9"), MnistTasks.TARGET_FIRST);
        int[] labels = shots.train().stream().mapToInt(Example::label).toArray();
        Path runs = Files.createDirectories(Path.of("target/logme-ranking-runs"));
        List<Run> results = new ArrayList<>();
        for (long seed = 1; seed <= seeds; seed++) {
            Hyperparameters hp = MnistFewShot.budget(seed, threads);
            for (String id : CANDIDATES) {
                BaseModel base = id.startsWith("arch-") ? new BaseModel.Architecture(id)
                        : new BaseModel.Artifact(id, CATALOG.resolve(id));
                long t0 = System.nanoTime();
                FrozenEmbeddings.Embedded embedded = FrozenEmbeddings.embed(base, shots, 64, seed);
                double logme = LogMe.score(embedded.embeddings(), labels);
                double logmeSeconds = (System.nanoTime() - t0) / 1e9;
                long t1 = System.nanoTime();
                float fe = accuracy(base, Strategy.FEATURE_EXTRACTION, hp, shots, heldOut, runs);
                float full = accuracy(base, Strategy.FULL, hp, shots, heldOut, runs);
                Run run = new Run(id, embedded.pretrained(), seed, logme, logmeSeconds, fe, full,
                        (System.nanoTime() - t1) / 1e9);
                results.add(run);
                System.out.printf(Locale.ROOT, "seed %d %-16s LogME %8.4f (%.1f s)  feature_extraction %.4f  full %.4f"
                        + "  (%.0f s)%n", seed, id, logme, logmeSeconds, fe, full, run.trainingSeconds());
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        Map<String, Object> environment = new LinkedHashMap<>();
        environment.put("date", Instant.now().toString());
        environment.put("threads", threads);
        environment.put("seeds", seeds);
        environment.put("training_examples", shots.train().size());
        environment.put("held_out_examples", heldOut.size());
        environment.put("hyperparameters", MnistFewShot.budget(0, threads));
        environment.put("wall_seconds", Math.round(seconds));
        Files.createDirectories(out);
        Files.writeString(out.resolve("logme-ranking.json"),
                JSON.writeValueAsString(Map.of("environment", environment, "runs", results)));
        String table = LogMeRankingReport.markdown(results, shots.train().size(), heldOut.size(), seeds, threads, seconds);
        Files.writeString(out.resolve("logme-ranking.md"), table);
        System.out.println(table);
    }

    // No validation split: the engine keeps the epoch of lowest training loss, so the held-out
    // digits never choose the weights they score.
    private static float accuracy(BaseModel base, Strategy strategy, Hyperparameters hp, TrainingData shots,
            List<Example> heldOut, Path runs) {
        Path dir = runs.resolve(base.id() + "-" + strategy.wireName() + "-" + hp.seed());
        try (TrainingResult r = new TrainingRun().run(new TrainingRequest(base, strategy, hp, shots,
                "mnist-digits-5-9-10-shot", dir, null, null, null), TrainingListener.NONE, CancellationToken.none())) {
            return MnistTasks.accuracy(r.model(), heldOut);
        }
    }
}

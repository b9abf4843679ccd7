package dev.graft.basemodel;

import dev.graft.training.BaseModel;
import dev.graft.training.CancellationToken;
import dev.graft.training.Engines;
import dev.graft.training.Example;
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
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Few-shot transfer benchmark (not a test; run with {@code scripts/pretrain-bases.sh --few-shot},
 * see {@code bench/README.md}). Adapts each committed MNIST base (pretrained on digits 0-4) to
 * digits 5-9 from 10 labelled training digits per class, and trains the same architecture from
 * scratch on the very same 50 digits with the same budget (epochs, batch, learning rate, seed,
 * strategy). Both are scored on every digit 5-9 of the MNIST test set. Each seed draws another
 * 50 digits and another initialisation and shuffle; the pairs are compared within a seed.
 *
 * <p>Arguments: {@code <mnist-data-dir> [threads] [seeds] [catalog-dir] [output-dir]}.
 */
public final class MnistFewShot {

    static final int SHOTS_PER_CLASS = 10;
    static final int EPOCHS = 30;
    static final int BATCH = 10;
    static final float LEARNING_RATE = 3e-3f;
    static final List<Strategy> STRATEGIES = List.of(Strategy.FEATURE_EXTRACTION, Strategy.FULL);
    static final Map<String, String> BASES = Map.of(
            MnistPretraining.CNN_ID, Architectures.CNN_SMALL,
            MnistPretraining.RESNET_ID, Architectures.RESNET20);
    static final List<String> BASE_ORDER = List.of(MnistPretraining.CNN_ID,
            MnistPretraining.RESNET_ID);

    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT).build();

    /** One seed of one base and strategy: accuracy on MNIST test digits 5-9 of both starts. */
    record Pair(String base, String architecture, String strategy, long seed,
            float pretrained, float scratch) {
    }

    private MnistFewShot() {
    }

    public static void main(String[] args) throws IOException {
        Path data = Path.of(args[0]);
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        int seeds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        Path catalog = Path.of(args.length > 3 ? args[3] : "src/main/resources/catalog");
        Path out = Path.of(args.length > 4 ? args[4] : "bench/results");
        Engines.ensureStarted(Path.of("target/graft-mnist-data"), threads);
        long started = System.nanoTime();

        MnistDigits pool = MnistDigits.read(data, "train").withLabels(MnistTasks::isTarget);
        List<Example> test = MnistTasks.examples(
                MnistDigits.read(data, "t10k").withLabels(MnistTasks::isTarget),
                MnistTasks.TARGET_FIRST);
        Path runs = Files.createDirectories(Path.of("target/few-shot-runs"));
        List<Pair> pairs = new ArrayList<>();
        for (long seed = 1; seed <= seeds; seed++) {
            TrainingData shots = shots(pool, seed);
            Hyperparameters hp = budget(seed, threads);
            for (String base : BASE_ORDER) {
                for (Strategy strategy : STRATEGIES) {
                    float pretrained = accuracy(new BaseModel.Artifact(base,
                            catalog.resolve(base)), strategy, hp, shots, test, runs);
                    float scratch = accuracy(new BaseModel.Architecture(BASES.get(base),
                            MnistTasks.INPUT_SHAPE), strategy, hp, shots, test, runs);
                    Pair p = new Pair(base, BASES.get(base), strategy.wireName(), seed,
                            pretrained, scratch);
                    pairs.add(p);
                    System.out.printf(Locale.ROOT, "seed %d %s %s: pretrained %.4f, scratch "
                            + "%.4f%n", seed, base, strategy.wireName(), pretrained, scratch);
                }
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        Map<String, Object> environment = Map.of("date", Instant.now().toString(),
                "threads", threads, "seeds", seeds, "shots_per_class", SHOTS_PER_CLASS,
                "epochs", EPOCHS, "batch_size", BATCH, "learning_rate", LEARNING_RATE,
                "test_examples", test.size(), "wall_seconds", Math.round(seconds));
        Files.createDirectories(out);
        Files.writeString(out.resolve("few-shot.json"), JSON.writeValueAsString(
                Map.of("environment", environment, "pairs", pairs)));
        String table = FewShotTable.markdown(pairs, test.size(), seeds, seconds);
        Files.writeString(out.resolve("few-shot.md"), table);
        System.out.println(table);
    }

    /** Ten random training digits of each of 5-9, drawn by the seed; no validation split. */
    static TrainingData shots(MnistDigits pool, long seed) {
        return new TrainingData(Modality.IMAGE, MnistTasks.labels(MnistTasks.TARGET_FIRST),
                MnistTasks.examples(MnistTasks.sample(pool, SHOTS_PER_CLASS, seed),
                        MnistTasks.TARGET_FIRST), List.of());
    }

    // The backbone trains at the head's rate (multiplier 1) so that "from scratch" is not slowed
    // by a rate meant for fine-tuning; both starts get exactly these numbers.
    public static Hyperparameters budget(long seed, int threads) {
        return Hyperparameters.builder().epochs(EPOCHS).batchSize(BATCH)
                .learningRate(LEARNING_RATE).backboneLearningRateMultiplier(1f)
                .seed(seed).threads(threads).build();
    }

    // With no validation split the engine keeps the epoch of lowest training loss, so the
    // test digits never influence which weights are scored.
    private static float accuracy(BaseModel base, Strategy strategy, Hyperparameters hp,
            TrainingData shots, List<Example> test, Path runs) {
        Path dir = runs.resolve(base.id() + "-" + (base instanceof BaseModel.Artifact ? "pre"
                : "scratch") + "-" + strategy.wireName() + "-" + hp.seed());
        try (TrainingResult r = new TrainingRun().run(new TrainingRequest(base, strategy, hp,
                shots, "mnist-digits-5-9-10-shot", dir, null, null, null),
                TrainingListener.NONE, CancellationToken.none())) {
            return MnistTasks.accuracy(r.model(), test);
        }
    }
}

package dev.graft.basemodel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

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
import dev.graft.training.TransferComparison;
import dev.graft.training.TransferReport;

/**
 * compare_baseline on the committed MNIST bases (not a test; {@code bench/transfer-report.sh}, see
 * bench/README.md): each base is adapted to digits 5-9 from 10 training digits per class with each
 * strategy, then the baseline pass runs as a job would run it. Reports the three indicators (probe
 * accuracy, time to 95% of best, gain over scratch with its interval and verdict) and what the pass
 * costs against the job's own training time. Validation: 50 MNIST test digits of each class; 10 epochs.
 *
 * <p>Arguments: {@code <mnist-data-dir> [threads] [seeds] [catalog-dir] [output-dir]}.
 */
public final class TransferReportBenchmark {

    static final int VALIDATION_PER_CLASS = 50;
    static final int EPOCHS = 10;
    private static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    record Run(String base, String strategy, long seed, double trainSeconds, TransferReport report) {
    }

    private TransferReportBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        Path data = Path.of(args[0]);
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        int seeds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        Path catalog = Path.of(args.length > 3 ? args[3] : "src/main/resources/catalog");
        Path out = Path.of(args.length > 4 ? args[4] : "bench/results");
        Engines.ensureStarted(Path.of("target/graft-mnist-data"), threads);
        long started = System.nanoTime();
        MnistDigits pool = MnistDigits.read(data, "train").withLabels(MnistTasks::isTarget);
        MnistDigits testDigits = MnistDigits.read(data, "t10k").withLabels(MnistTasks::isTarget);
        Path work = Files.createDirectories(Path.of("target/transfer-report-runs"));
        List<Run> runs = new ArrayList<>();
        for (long seed = 1; seed <= seeds; seed++) {
            List<Example> validation = MnistTasks.examples(MnistTasks.sample(testDigits, VALIDATION_PER_CLASS, 100 + seed),
                    MnistTasks.TARGET_FIRST);
            TrainingData shots = MnistFewShot.shots(pool, seed);
            TrainingData task = new TrainingData(shots.modality(), shots.labels(), shots.train(), validation);
            Hyperparameters hp = MnistFewShot.budget(seed, threads).toBuilder().epochs(EPOCHS).earlyStoppingPatience(0).build();
            // Alternate the order of the strategies between seeds: the machine's noise must not favour one.
            List<Strategy> strategies = new ArrayList<>(MnistFewShot.STRATEGIES);
            if (seed % 2 == 0) {
                java.util.Collections.reverse(strategies);
            }
            for (String base : MnistFewShot.BASE_ORDER) {
                for (Strategy strategy : strategies) {
                    TrainingRequest request = new TrainingRequest(new BaseModel.Artifact(base, catalog.resolve(base)), strategy,
                            hp, task, "mnist-5-9-10-shot", work.resolve(base + "-" + strategy.wireName() + "-" + seed), null, null,
                            null);
                    long t0 = System.nanoTime();
                    try (TrainingResult adapted = new TrainingRun().run(request, TrainingListener.NONE, CancellationToken.none())) {
                        double trainSeconds = (System.nanoTime() - t0) / 1e9;
                        TransferReport report = TransferComparison.compare(request, adapted,
                                work.resolve("baseline-" + base + "-" + seed), CancellationToken.none());
                        runs.add(new Run(base, strategy.wireName(), seed, trainSeconds, report));
                        System.out.printf(Locale.ROOT, "seed %d %s %s: probe %.3f transfer %.3f scratch %.3f gain %.1f [%.1f, %.1f] "
                                + "%s; train %.1f s, baseline pass %.1f s%n", seed, base, strategy.wireName(),
                                report.probe().accuracy(), report.transfer().accuracy(), report.scratch().accuracy(),
                                report.gainPoints(), report.gainInterval().get(0), report.gainInterval().get(1), report.verdict(),
                                trainSeconds, report.overheadSeconds());
                    }
                }
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        Map<String, Object> environment = new LinkedHashMap<>();
        environment.put("date", Instant.now().toString());
        environment.put("threads", threads);
        environment.put("seeds", seeds);
        environment.put("shots_per_class", MnistFewShot.SHOTS_PER_CLASS);
        environment.put("validation_per_class", VALIDATION_PER_CLASS);
        environment.put("epochs", EPOCHS);
        environment.put("wall_seconds", Math.round(seconds));
        Files.createDirectories(out);
        Files.writeString(out.resolve("transfer-report.json"), JSON.writeValueAsString(Map.of("environment", environment,
                "runs", runs)));
        String table = markdown(runs, environment);
        Files.writeString(out.resolve("transfer-report.md"), table);
        System.out.println(table);
    }

    static String markdown(List<Run> runs, Map<String, Object> environment) {
        StringBuilder md = new StringBuilder("# compare_baseline on the MNIST bases\n\n")
                .append("Digits 5-9 from ").append(environment.get("shots_per_class")).append(" training digits per class, ")
                .append(environment.get("validation_per_class")).append(" validation digits per class (MNIST test set), ")
                .append(environment.get("epochs")).append(" epochs, batch 10, learning rate 3e-3 (backbone at the same rate), ")
                .append(environment.get("seeds")).append(" seeds (each draws other digits and another initialisation), ")
                .append(environment.get("threads")).append(" threads. Median over seeds, min-max in brackets. ")
                .append("Generated by `bench/transfer-report.sh` on ").append(environment.get("date")).append(" in ")
                .append(environment.get("wall_seconds")).append(" s.\n\n")
                .append("| base | strategy | probe acc. | transfer acc. | scratch acc. | gain (points) | verdicts | epochs to 95%: transfer / scratch | job training (s) | baseline pass (s) | pass / training |\n")
                .append("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
        Map<String, List<Run>> groups = runs.stream().collect(Collectors.groupingBy(r -> r.base() + " " + r.strategy(),
                LinkedHashMap::new, Collectors.toList()));
        groups.forEach((key, group) -> {
            Run first = group.get(0);
            md.append("| ").append(first.base()).append(" | ").append(first.strategy())
                    .append(" | ").append(stat(group, r -> r.report().probe().accuracy(), "%.3f"))
                    .append(" | ").append(stat(group, r -> r.report().transfer().accuracy(), "%.3f"))
                    .append(" | ").append(stat(group, r -> r.report().scratch().accuracy(), "%.3f"))
                    .append(" | ").append(stat(group, r -> r.report().gainPoints(), "%.1f"))
                    .append(" | ").append(group.stream().map(r -> r.report().verdict()).collect(Collectors.joining(", ")))
                    .append(" | ").append(stat(group, r -> orNaN(r.report().transfer().epochsTo95()), "%.0f")).append(" / ")
                    .append(stat(group, r -> orNaN(r.report().scratch().epochsTo95()), "%.0f"))
                    .append(" | ").append(stat(group, Run::trainSeconds, "%.1f"))
                    .append(" | ").append(stat(group, r -> r.report().overheadSeconds(), "%.1f"))
                    .append(" | ").append(stat(group, r -> r.report().overheadSeconds() / r.trainSeconds(), "%.2f×"))
                    .append(" |\n");
        });
        md.append("\nThe baseline pass trains a linear probe on the frozen base, the architecture from scratch, and two more ")
                .append("probes on 25% and 50% of the train split (learning curve); its cost is shown against the job's own ")
                .append("training run. Verdicts come from the paired-bootstrap 95% interval of the gain over scratch.\n");
        return md.toString();
    }

    private static double orNaN(Integer value) {
        return value == null ? Double.NaN : value;
    }

    private static String stat(List<Run> group, ToDoubleFunction<Run> value, String format) {
        double[] values = group.stream().mapToDouble(value).sorted().toArray();
        double median = values.length % 2 == 1 ? values[values.length / 2]
                : (values[values.length / 2 - 1] + values[values.length / 2]) / 2;
        return String.format(Locale.ROOT, format + " [" + format + "–" + format + "]", median, values[0],
                values[values.length - 1]);
    }
}

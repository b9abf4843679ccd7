package dev.graft.training;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import dev.graft.basemodel.Architectures;
import dev.graft.basemodel.ClassifierNet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** One timed training of the benchmark, on the engine's own code paths. */
final class BenchmarkRuns {

    /**
     * Seconds of each epoch, and of building the embedding cache (0 without one).
     *
     * @param parameters trainable and frozen weights of the network, BatchNorm running
     *     statistics excluded (PyTorch counts those as buffers)
     */
    record Timing(double cacheSeconds, List<Double> epochSeconds, long parameters) {

        /** Examples per second over the epochs after the first {@code warmup}. */
        double samplesPerSecond(int examples, int warmup) {
            List<Double> steady = epochSeconds.subList(warmup, epochSeconds.size());
            return examples * steady.size() / steady.stream().mapToDouble(d -> d).sum();
        }

        double total() {
            return cacheSeconds + epochSeconds.stream().mapToDouble(d -> d).sum();
        }
    }

    private final Path scratch;

    BenchmarkRuns(Path scratch) {
        this.scratch = scratch;
    }

    /**
     * A whole run through the {@link TrainingRun} facade, as a fine-tuning job makes it. Epoch
     * times come from {@link EpochStats#seconds()}: the steps only, as the data has no
     * validation split and checkpoints are off.
     */
    Timing facade(String arch, Strategy strategy, TrainingData data, Hyperparameters hp) {
        List<Double> seconds = new ArrayList<>();
        TrainingListener listener = new TrainingListener() {
            @Override
            public void onEpoch(EpochStats epoch) {
                seconds.add(epoch.seconds());
            }
        };
        Path out = scratch.resolve(arch + "-" + strategy.wireName() + "-" + System.nanoTime());
        BaseModel base = new BaseModel.Architecture(arch, BenchmarkData.shapeFor(arch));
        try (TrainingResult r = new TrainingRun().run(new TrainingRequest(base, strategy,
                hp, data, "bench", out, null, null, null), listener, CancellationToken.none())) {
            return new Timing(0, seconds, parameterCount(r.model().net()));
        } finally {
            delete(out);
        }
    }

    /**
     * Feature extraction as {@link TrainingRun} does it when {@code cached} (embeddings computed
     * once, the head trains on them), or with the frozen backbone running forward in inference
     * mode on every batch of every epoch. The same loop, freezing and optimiser either way; only
     * the block each step runs and its inputs differ.
     */
    Timing featureExtraction(String arch, TrainingData data, Hyperparameters hp,
            boolean cached) {
        Engine engine = Engines.ensureStarted(hp.threads());
        Engines.disableGradientsOnThisThread();
        engine.setRandomSeed((int) hp.seed());
        BaseModel base = new BaseModel.Architecture(arch, BenchmarkData.shapeFor(arch));
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            StartingPoint start = StartingPoint.of(base, data, manager);
            ClassifierNet net = start.net();
            List<TrainableParameter> parameters = Freezing.apply(net,
                    Strategy.FEATURE_EXTRACTION, hp);
            try (ParameterUpdater updater = new ParameterUpdater(hp.optimizer(), manager)) {
                Preprocessor preprocessor = new Preprocessor(start.preprocessing());
                Shape exampleShape = Architectures.batchShape(start.spec(), 1).slice(1);
                EncodedSplit train = EncodedSplit.encode(preprocessor, data.train(),
                        exampleShape);
                EncodedSplit validation = EncodedSplit.encode(preprocessor, List.of(),
                        exampleShape);
                Block trained = net;
                double cacheSeconds = 0;
                if (cached) {
                    long begin = System.nanoTime();
                    train = EmbeddingCache.embed(net.backbone(), train, manager, hp.batchSize(), null);
                    cacheSeconds = (System.nanoTime() - begin) / 1e9;
                    trained = net.head();
                }
                List<Double> seconds = new ArrayList<>();
                TrainingListener listener = new TrainingListener() {
                    @Override
                    public void onEpoch(EpochStats epoch) {
                        seconds.add(epoch.seconds());
                    }
                };
                new TrainingLoop(manager, trained, net, parameters, updater, hp, false, listener,
                        CancellationToken.none(), p -> { })
                        .run(train, validation, new TrainingLoop.Progress());
                return new Timing(cacheSeconds, seconds, parameterCount(net));
            }
        }
    }

    private static long parameterCount(ClassifierNet net) {
        return net.getParameters().values().stream()
                .filter(p -> p.getType() != Parameter.Type.RUNNING_MEAN
                        && p.getType() != Parameter.Type.RUNNING_VAR)
                .mapToLong(p -> p.getArray().size()).sum();
    }

    private static void delete(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

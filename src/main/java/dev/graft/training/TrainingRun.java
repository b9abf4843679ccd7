package dev.graft.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import dev.graft.basemodel.Architectures;
import dev.graft.basemodel.ClassifierNet;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Trains a classifier from a base model on prepared data: the facade of the training feature.
 *
 * <p>Runs are serialised per JVM: DJL's PyTorch gradient collector is process-global (a second
 * concurrent one throws "A PtGradientCollector is already collecting"), so two trainings cannot
 * step at the same time. Inference ({@link ModelArtifact#predict}) needs no collector and runs
 * beside training.
 */
public final class TrainingRun {

    private static final ReentrantLock ONE_TRAINING_PER_JVM = new ReentrantLock();

    /**
     * Runs (or resumes) a training to completion, early stop or cancellation.
     *
     * @return the outcome; close it to free the in-memory model
     */
    public TrainingResult run(TrainingRequest request, TrainingListener listener,
            CancellationToken cancel) {
        ONE_TRAINING_PER_JVM.lock();
        try {
            return runAlone(request, listener, cancel);
        } finally {
            ONE_TRAINING_PER_JVM.unlock();
        }
    }

    private TrainingResult runAlone(TrainingRequest request, TrainingListener listener,
            CancellationToken cancel) {
        Hyperparameters hp = request.hyperparameters();
        Engine engine = Engines.ensureStarted(hp.threads());
        // The gradient collector restores the mode it found, so this holds between steps.
        Engines.disableGradientsOnThisThread();
        // Weight initialisation draws from the engine's generator; everything else random in a
        // run uses java.util.Random seeded from hp.seed().
        engine.setRandomSeed((int) hp.seed());
        TrainingData data = request.data();
        NDManager manager = NDManager.newBaseManager(request.device());
        try {
            StartingPoint start = StartingPoint.of(request.base(), data, manager);
            Strategy resolved = request.strategy().resolve(start.pretrained(),
                    data.smallestClassCount());
            // A TorchScript module is a single backbone unit that DJL trains whole or not at all,
            // so "the top layers" is all of it: record what actually trains.
            Strategy strategy = resolved == Strategy.PARTIAL && start.torchScriptFile() != null
                    ? Strategy.FULL : resolved;
            ClassifierNet net = start.net();
            List<TrainableParameter> parameters = Freezing.apply(net, strategy, hp);
            try (ParameterUpdater updater = new ParameterUpdater(hp.optimizer(), manager)) {
                TrainingLoop.Progress progress = new TrainingLoop.Progress();
                if (request.resumeFrom() != null) {
                    resume(request.resumeFrom(), hp, strategy, net, manager, updater, progress);
                }
                Preprocessor preprocessor = new Preprocessor(start.preprocessing());
                Shape exampleShape = Architectures.batchShape(start.spec(), 1).slice(1);
                EncodedSplit train = EncodedSplit.encode(preprocessor, data.train(), exampleShape);
                EncodedSplit validation = EncodedSplit.encode(preprocessor, data.validation(),
                        exampleShape);
                Block trained = net;
                if (strategy == Strategy.FEATURE_EXTRACTION) {
                    train = EmbeddingCache.embed(net.backbone(), train, manager, hp.batchSize());
                    validation = EmbeddingCache.embed(net.backbone(), validation, manager,
                            hp.batchSize());
                    trained = net.head();
                }
                boolean augment = hp.augment() && strategy != Strategy.FEATURE_EXTRACTION
                        && exampleShape.dimension() == 3;
                Checkpoints checkpoints = request.checkpointDirectory() == null ? null
                        : new Checkpoints(request.checkpointDirectory());
                TrainingLoop loop = new TrainingLoop(manager, trained, net, parameters, updater,
                        hp, augment, listener, cancel, p -> {
                            if (checkpoints != null) {
                                checkpoints.save(state(p, hp, strategy), Weights.save(net),
                                        p.bestWeights, updater.saveState());
                            }
                        });
                TrainingLoop.Stop stop = loop.run(train, validation, progress);
                if (stop == TrainingLoop.Stop.CANCELLED) {
                    manager.close();
                    return new TrainingResult(TrainingResult.Outcome.CANCELLED, strategy,
                            progress.epochsDone, progress.bestEpoch, null, null, null);
                }
                if (progress.bestWeights != null) {
                    Weights.load(net, manager, progress.bestWeights);
                }
                EvaluationReport report = report(loop, trained, validation, data, progress);
                ModelDescriptor descriptor = new ModelDescriptor(ModelDescriptor.FORMAT_VERSION,
                        start.spec(), data.labels(), data.modality(), start.preprocessing(),
                        ModelArtifact.WEIGHTS_FILE,
                        new ModelDescriptor.Lineage(request.base().id(), request.datasetId(),
                                strategy, hp, hp.seed(), progress.epochsDone, progress.bestEpoch),
                        report);
                ModelArtifact model = new ModelArtifact(descriptor, net, manager,
                        start.torchScriptFile());
                model.save(request.outputDirectory());
                return new TrainingResult(stop == TrainingLoop.Stop.EARLY_STOPPED
                        ? TrainingResult.Outcome.EARLY_STOPPED : TrainingResult.Outcome.COMPLETED,
                        strategy, progress.epochsDone, progress.bestEpoch, report,
                        request.outputDirectory(), model);
            }
        } catch (RuntimeException | Error e) {
            manager.close();
            throw e;
        }
    }

    private static EvaluationReport report(TrainingLoop loop, Block trained,
            EncodedSplit validation, TrainingData data, TrainingLoop.Progress progress) {
        if (validation.size() == 0) {
            return new EvaluationReport(Float.NaN, Float.NaN, Float.NaN, List.of(),
                    new int[0][0], List.copyOf(progress.history));
        }
        TrainingLoop.Measured m = loop.evaluate(trained, validation);
        return Evaluation.report(data.labels(), validation.labels(), m.probabilities(), m.loss())
                .withHistory(progress.history);
    }

    private static void resume(java.nio.file.Path from, Hyperparameters hp, Strategy strategy,
            ClassifierNet net, NDManager manager, ParameterUpdater updater,
            TrainingLoop.Progress progress) {
        Checkpoints.Loaded loaded = Checkpoints.load(from);
        Checkpoints.State s = loaded.state();
        if (s.seed() != hp.seed() || s.strategy() != strategy) {
            throw new IllegalArgumentException("Checkpoint " + from + " was written by a run "
                    + "with another seed or strategy");
        }
        Weights.load(net, manager, loaded.model());
        updater.loadState(loaded.optimizer());
        progress.epochsDone = s.epochsDone();
        progress.globalStep = s.globalStep();
        progress.bestEpoch = s.bestEpoch();
        progress.bestLoss = s.bestLoss();
        progress.epochsWithoutImprovement = s.epochsWithoutImprovement();
        progress.history.addAll(s.history());
        progress.bestWeights = loaded.best();
    }

    private static Checkpoints.State state(TrainingLoop.Progress p, Hyperparameters hp,
            Strategy strategy) {
        return new Checkpoints.State(1, p.epochsDone, p.globalStep, hp.seed(), strategy,
                p.bestEpoch, p.bestLoss, p.epochsWithoutImprovement, List.copyOf(p.history));
    }
}

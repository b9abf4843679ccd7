package dev.graft.training;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import dev.graft.basemodel.Architectures;
import dev.graft.basemodel.ClassifierNet;
import java.nio.file.Path;
import java.util.List;

/**
 * One training of one configuration, in memory: what an explicit run, each cross-validation fold
 * of the search and the search's refit all do. The caller owns the manager.
 */
final class Trainer {

    private Trainer() {
    }

    /**
     * @param monitorValidation validate after every epoch (best weights, early stopping); when
     *     false the validation split is only held out, to be scored once at the end
     * @param checkpointDirectory per-epoch checkpoints, or null
     * @param resumeFrom a checkpoint to continue, or null
     */
    record Plan(BaseModel base, Strategy strategy, Hyperparameters hp, TrainingData data,
            boolean monitorValidation, Path checkpointDirectory, Path resumeFrom) {
    }

    /** A trained network with what it was trained from. */
    record Trained(StartingPoint start, Strategy strategy, ClassifierNet net, Block trained,
            TrainingLoop loop, EncodedSplit heldOut, TrainingLoop.Progress progress,
            TrainingLoop.Stop stop) {

        /** Scores the held-out (validation) split with the final weights. */
        TrainingLoop.Measured evaluate() {
            return loop.evaluate(trained, heldOut);
        }
    }

    static Trained train(Plan plan, NDManager manager, TrainingListener listener,
            CancellationToken cancel) {
        Hyperparameters hp = plan.hp();
        TrainingData data = plan.data();
        StartingPoint start = StartingPoint.of(plan.base(), data, manager);
        // A TorchScript module is a single backbone unit that DJL trains whole or not at all,
        // so "the top layers" is all of it: record what actually trains.
        Strategy strategy = plan.strategy() == Strategy.PARTIAL && start.torchScriptFile() != null
                ? Strategy.FULL : plan.strategy();
        ClassifierNet net = start.net();
        List<TrainableParameter> parameters = Freezing.apply(net, strategy, hp);
        ParameterUpdater updater = new ParameterUpdater(hp.optimizer(), hp.weightDecay(), manager);
        TrainingLoop.Progress progress = new TrainingLoop.Progress();
        if (plan.resumeFrom() != null) {
            resume(plan.resumeFrom(), hp, strategy, net, manager, updater, progress);
        }
        Preprocessor preprocessor = new Preprocessor(start.preprocessing());
        Shape exampleShape = Architectures.batchShape(start.spec(), 1).slice(1);
        EncodedSplit train = EncodedSplit.encode(preprocessor, data.train(), exampleShape);
        EncodedSplit validation = EncodedSplit.encode(preprocessor, data.validation(), exampleShape);
        Block trained = net;
        if (strategy == Strategy.FEATURE_EXTRACTION) {
            String key = EmbeddingKeys.of(plan.base(), start);
            train = EmbeddingCache.embed(net.backbone(), train, manager, hp.batchSize(), key);
            validation = EmbeddingCache.embed(net.backbone(), validation, manager, hp.batchSize(), key);
            trained = net.head();
        }
        boolean augment = hp.augment() != Hyperparameters.Augment.NONE
                && strategy != Strategy.FEATURE_EXTRACTION && exampleShape.dimension() == 3;
        Checkpoints checkpoints = plan.checkpointDirectory() == null ? null
                : new Checkpoints(plan.checkpointDirectory());
        TrainingLoop loop = new TrainingLoop(manager, trained, net, parameters, updater, hp,
                augment, listener, cancel, p -> {
                    if (checkpoints != null) {
                        byte[] weights = Weights.save(net);
                        checkpoints.save(state(p, hp, strategy), weights,
                                p.bestWeights == null ? weights : p.bestWeights, updater.saveState());
                    }
                });
        EncodedSplit monitored = plan.monitorValidation() ? validation
                : EncodedSplit.ofEmbeddings(new float[0][], new int[0]);
        TrainingLoop.Stop stop = loop.run(train, monitored, progress);
        if (stop != TrainingLoop.Stop.CANCELLED && progress.bestWeights != null) {
            Weights.load(net, manager, progress.bestWeights);
        }
        return new Trained(start, strategy, net, trained, loop, validation, progress, stop);
    }

    private static void resume(Path from, Hyperparameters hp, Strategy strategy,
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
        progress.smoothedLoss = s.smoothedLoss() == null ? Double.NaN : s.smoothedLoss();
        progress.epochsWithoutImprovement = s.epochsWithoutImprovement();
        progress.history.addAll(s.history());
        progress.bestWeights = loaded.best();
    }

    private static Checkpoints.State state(TrainingLoop.Progress p, Hyperparameters hp,
            Strategy strategy) {
        return new Checkpoints.State(1, p.epochsDone, p.globalStep, hp.seed(), strategy,
                p.bestEpoch, p.bestLoss, p.epochsWithoutImprovement, List.copyOf(p.history),
                Double.isNaN(p.smoothedLoss) ? null : p.smoothedLoss);
    }
}

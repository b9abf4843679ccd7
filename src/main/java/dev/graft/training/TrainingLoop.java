package dev.graft.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * The epoch and step loop: mini-batch training with softmax cross-entropy, validation after
 * each epoch, best-weights tracking, early stopping, a checkpoint per epoch, and a cancellation
 * check before every step.
 */
final class TrainingLoop {

    enum Stop { COMPLETED, EARLY_STOPPED, CANCELLED }

    /** The share of a warm-up-cosine schedule's steps spent warming up. */
    static final double WARMUP_SHARE = 0.05;

    /** Mutable loop position; what a checkpoint restores. */
    static final class Progress {
        int epochsDone;
        long globalStep;
        int bestEpoch;
        double bestLoss = Double.POSITIVE_INFINITY;
        /** The exponentially smoothed monitored loss; NaN before the first epoch. */
        double smoothedLoss = Double.NaN;
        int epochsWithoutImprovement;
        List<EpochStats> history = new ArrayList<>();
        byte[] bestWeights;
    }

    /** Loss, accuracy and class probabilities of a whole split. */
    record Measured(float loss, float accuracy, float[][] probabilities) {
    }

    private final NDManager manager;
    private final Block trained;
    private final Block network;
    private final List<TrainableParameter> parameters;
    private final ParameterUpdater updater;
    private final Hyperparameters hp;
    private final boolean augment;
    private final TrainingListener listener;
    private final CancellationToken cancel;
    private final CheckpointWriter checkpoints;
    private float[] classWeights;

    /** Writes a checkpoint of the network, optimiser and progress after an epoch. */
    interface CheckpointWriter {
        void save(Progress progress);
    }

    /**
     * @param trained the block each step runs forward (the whole network, or the head alone
     *     when the inputs are cached embeddings)
     * @param network the whole network: what best weights and checkpoints hold
     */
    TrainingLoop(NDManager manager, Block trained, Block network,
            List<TrainableParameter> parameters, ParameterUpdater updater, Hyperparameters hp,
            boolean augment, TrainingListener listener, CancellationToken cancel,
            CheckpointWriter checkpoints) {
        this.manager = manager;
        this.trained = trained;
        this.network = network;
        this.parameters = parameters;
        this.updater = updater;
        this.hp = hp;
        this.augment = augment;
        this.listener = listener;
        this.cancel = cancel;
        this.checkpoints = checkpoints;
    }

    Stop run(EncodedSplit train, EncodedSplit validation, Progress progress) {
        int n = train.size();
        int stepsPerEpoch = (n + hp.batchSize() - 1) / hp.batchSize();
        long totalSteps = (long) stepsPerEpoch * hp.epochs();
        classWeights = hp.classBalanced() ? balancedWeights(train.labels(), numClasses(validation, train)) : null;
        // A cosine schedule ends at rate 0: without a validation split its last epoch is the
        // converged model, and the lowest training loss would only pick an earlier, noisier one.
        boolean keepLast = validation.size() == 0 && hp.schedule() == Hyperparameters.Schedule.WARMUP_COSINE;
        long firstStepThisSession = progress.globalStep;
        long sessionStart = System.nanoTime();
        for (int epoch = progress.epochsDone + 1; epoch <= hp.epochs(); epoch++) {
            long epochStart = System.nanoTime();
            int[] order = shuffled(n, new Random(hp.seed() + epoch));
            EncodedSplit.Augmentation augmentation =
                    augment ? new EncodedSplit.Augmentation(hp.seed(), epoch, hp.augment()) : null;
            double lossSum = 0;
            int correct = 0;
            for (int step = 0; step < stepsPerEpoch; step++) {
                if (cancel.isCancelled()) {
                    return Stop.CANCELLED;
                }
                int[] batch = Arrays.copyOfRange(order, step * hp.batchSize(),
                        Math.min(n, (step + 1) * hp.batchSize()));
                float[] lossAndCorrect = step(train, batch, augmentation,
                        rateFactor(progress.globalStep, totalSteps));
                lossSum += lossAndCorrect[0] * batch.length;
                correct += (int) lossAndCorrect[1];
                progress.globalStep++;
                double seconds = (System.nanoTime() - sessionStart) / 1e9;
                long doneThisSession = progress.globalStep - firstStepThisSession;
                double samplesPerSecond = (step * hp.batchSize() + batch.length)
                        / Math.max(1e-9, (System.nanoTime() - epochStart) / 1e9);
                double eta = seconds / doneThisSession * (totalSteps - progress.globalStep);
                listener.onStep(new StepProgress(epoch, step + 1, stepsPerEpoch,
                        progress.globalStep, lossAndCorrect[0], lossAndCorrect[1] / batch.length,
                        samplesPerSecond, eta, hp.epochs()));
            }
            float trainLoss = (float) (lossSum / n);
            Measured val = validation.size() == 0 ? null : evaluate(trained, validation);
            EpochStats stats = new EpochStats(epoch, trainLoss, (float) correct / n,
                    val == null ? Float.NaN : val.loss(), val == null ? Float.NaN : val.accuracy(),
                    (System.nanoTime() - epochStart) / 1e9);
            progress.history.add(stats);
            progress.epochsDone = epoch;
            // Without a validation split the training loss is the only signal to track.
            double raw = val == null ? trainLoss : val.loss();
            double alpha = hp.validationSmoothing();
            double monitored = Double.isNaN(progress.smoothedLoss) ? raw
                    : alpha * progress.smoothedLoss + (1 - alpha) * raw;
            progress.smoothedLoss = monitored;
            if (keepLast) {
                // The network itself is the model to keep: no copy of its weights is needed.
                progress.bestLoss = monitored;
                progress.bestEpoch = epoch;
                progress.bestWeights = null;
            } else if (monitored < progress.bestLoss) {
                progress.bestLoss = monitored;
                progress.bestEpoch = epoch;
                progress.epochsWithoutImprovement = 0;
                progress.bestWeights = Weights.save(network);
            } else {
                progress.epochsWithoutImprovement++;
            }
            checkpoints.save(progress);
            listener.onEpoch(stats);
            if (hp.earlyStoppingPatience() > 0
                    && progress.epochsWithoutImprovement >= hp.earlyStoppingPatience()
                    && epoch < hp.epochs()) {
                return Stop.EARLY_STOPPED;
            }
        }
        return Stop.COMPLETED;
    }

    /** The schedule's factor on every learning rate at 0-based step {@code step} of {@code total}. */
    float rateFactor(long step, long total) {
        if (hp.schedule() == Hyperparameters.Schedule.CONSTANT) {
            return 1f;
        }
        long warmup = Math.max(1, Math.round(WARMUP_SHARE * total));
        if (step < warmup) {
            return (float) (step + 1) / warmup;
        }
        double progress = (double) (step - warmup) / Math.max(1, total - warmup);
        return (float) (0.5 * (1 + Math.cos(Math.PI * Math.min(1, progress))));
    }

    /** n / (k * n_c): each class contributes as much loss as a balanced split would give it. */
    static float[] balancedWeights(int[] labels, int k) {
        int[] counts = new int[k];
        for (int y : labels) {
            counts[y]++;
        }
        float[] w = new float[k];
        for (int c = 0; c < k; c++) {
            w[c] = counts[c] == 0 ? 0f : (float) labels.length / (k * counts[c]);
        }
        return w;
    }

    private static int numClasses(EncodedSplit validation, EncodedSplit train) {
        int k = 0;
        for (int[] labels : new int[][] {train.labels(), validation.labels()}) {
            for (int y : labels) {
                k = Math.max(k, y + 1);
            }
        }
        return k;
    }

    /** One optimisation step; returns {mean loss, correct predictions}. */
    private float[] step(EncodedSplit train, int[] batch, EncodedSplit.Augmentation augmentation,
            float rateFactor) {
        // Every array of the step lives in this sub-manager: arrays left on the long-lived
        // model manager are native memory the GC never sees.
        try (NDManager scope = manager.newSubManager()) {
            NDArray x = train.inputs(scope, batch, augmentation);
            NDArray y = train.labels(scope, batch);
            float loss;
            float correct;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray logits = trained.forward(new ParameterStore(scope, false), new NDList(x),
                        true).singletonOrThrow();
                NDArray lossArray = classWeights == null ? crossEntropy(logits, y)
                        : weightedCrossEntropy(logits, y, scope.create(classWeights));
                collector.backward(lossArray);
                loss = lossArray.getFloat();
                correct = logits.argMax(1).eq(y).sum().getLong();
            }
            updater.step(parameters, scope, rateFactor);
            return new float[] {loss, correct};
        }
    }

    /** Inference-mode pass over a split, in batches. */
    Measured evaluate(Block block, EncodedSplit split) {
        int n = split.size();
        float[][] probabilities = new float[n][];
        double lossSum = 0;
        int correct = 0;
        for (int start = 0; start < n; start += hp.batchSize()) {
            int[] batch = new int[Math.min(hp.batchSize(), n - start)];
            for (int i = 0; i < batch.length; i++) {
                batch[i] = start + i;
            }
            try (NDManager scope = manager.newSubManager()) {
                NDArray y = split.labels(scope, batch);
                NDArray logits = block.forward(new ParameterStore(scope, false),
                        new NDList(split.inputs(scope, batch, null)), false).singletonOrThrow();
                lossSum += crossEntropy(logits, y).getFloat() * batch.length;
                correct += (int) logits.argMax(1).eq(y).sum().getLong();
                float[] flat = logits.softmax(1).toFloatArray();
                int k = (int) logits.getShape().get(1);
                for (int i = 0; i < batch.length; i++) {
                    probabilities[start + i] = Arrays.copyOfRange(flat, i * k, (i + 1) * k);
                }
            }
        }
        return new Measured((float) (lossSum / n), (float) correct / n, probabilities);
    }

    /** Per-example losses weighted by their class's weight, normalised by the weights' sum. */
    static NDArray weightedCrossEntropy(NDArray logits, NDArray labels, NDArray classWeights) {
        int k = (int) logits.getShape().get(1);
        NDArray oneHot = labels.oneHot(k);
        NDArray perExample = logits.logSoftmax(1).mul(oneHot).sum(new int[] {1}).neg();
        NDArray weights = oneHot.mul(classWeights).sum(new int[] {1});
        return perExample.mul(weights).sum().div(weights.sum());
    }

    static NDArray crossEntropy(NDArray logits, NDArray labels) {
        int k = (int) logits.getShape().get(1);
        return logits.logSoftmax(1).mul(labels.oneHot(k)).sum(new int[] {1}).neg().mean();
    }

    private static int[] shuffled(int n, Random random) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }
}

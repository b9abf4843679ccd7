package dev.graft.training;

import dev.graft.basemodel.Modality;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The training defaults, in one place: what a run trains with when the client leaves a knob on
 * {@code "auto"}, for an explicit strategy and for every candidate of the search alike.
 *
 * <ul>
 * <li>A budget in optimizer steps scaled to the data: ten epochs, but never fewer than
 *     {@value #MIN_STEPS} steps (a tiny set needs many passes; 15 epochs of 9 steps was too few)
 *     nor more than {@value #MAX_STEPS}.
 * <li>AdamW (decay {@value #WEIGHT_DECAY}, PyTorch's default), a short linear warm-up, then cosine
 *     decay to zero.
 * <li>A pretrained backbone learns at {@value #FINE_TUNING_MULTIPLIER} of the head's rate; a
 *     backbone from random weights at the full rate (a tenth would starve it).
 * <li>Early stopping on the validation loss smoothed across epochs, with a patience of a quarter
 *     of the epochs: one lucky epoch on two validation examples per class decides nothing.
 * <li>No augmentation unless asked for (the search tries it); never flips by default.
 * <li>A class-balanced loss when the largest class has at least {@value #IMBALANCE} times the
 *     examples of the smallest.
 * </ul>
 */
public final class TrainingDefaults {

    static final int MIN_STEPS = 300;
    static final int MAX_STEPS = 3000;
    static final int EPOCHS = 10;
    static final float WEIGHT_DECAY = 0.01f;
    static final float FINE_TUNING_MULTIPLIER = 0.3f;
    static final double IMBALANCE = 1.5;
    static final float SMOOTHING = 0.5f;

    private TrainingDefaults() {
    }

    /** What the data looks like to the defaults: the train split's size and class counts. */
    public record DataSize(Modality modality, int trainExamples, int smallestClass, int largestClass) {

        static DataSize of(TrainingData data) {
            int[] counts = new int[data.labels().size()];
            data.train().forEach(e -> counts[e.label()]++);
            int min = Integer.MAX_VALUE;
            int max = 0;
            for (int c : counts) {
                min = Math.min(min, c);
                max = Math.max(max, c);
            }
            return new DataSize(data.modality(), data.train().size(), min, max);
        }
    }

    /**
     * The hyperparameters of an explicit run.
     *
     * @param strategy a concrete strategy (not {@code AUTO}: the search resolves that)
     * @param pretrained whether the backbone's weights were learned
     */
    public static Hyperparameters resolve(Strategy strategy, boolean pretrained, DataSize data,
            HyperparameterOverrides given, long seed, int threads) {
        if (strategy == Strategy.AUTO) {
            throw new IllegalArgumentException("AUTO is resolved by the search, not by defaults");
        }
        int batch = given.batchSize() != null ? given.batchSize() : batchSize(data.trainExamples());
        int stepsPerEpoch = (data.trainExamples() + batch - 1) / batch;
        int steps = Math.min(MAX_STEPS, Math.max(MIN_STEPS, EPOCHS * stepsPerEpoch));
        int epochs = Math.max(1, (int) Math.round((double) steps / stepsPerEpoch));
        boolean headOnly = strategy == Strategy.FEATURE_EXTRACTION;
        float rate = headOnly || data.modality() == Modality.TABULAR ? 1e-2f : 3e-3f;
        Hyperparameters defaults = Hyperparameters.builder().epochs(epochs).batchSize(batch)
                .learningRate(rate)
                .backboneLearningRateMultiplier(pretrained ? FINE_TUNING_MULTIPLIER : 1f)
                .unfreezeLayers(1).earlyStoppingPatience(Math.max(3, (epochs + 3) / 4))
                .weightDecay(WEIGHT_DECAY).schedule(Hyperparameters.Schedule.WARMUP_COSINE)
                .augment(Hyperparameters.Augment.NONE)
                .classBalanced(data.largestClass() >= IMBALANCE * data.smallestClass())
                .validationSmoothing(SMOOTHING).seed(seed).threads(threads).build();
        return given.applyTo(defaults);
    }

    /** {@link #resolve(Strategy, boolean, DataSize, HyperparameterOverrides, long, int)} for a base and its data. */
    public static Hyperparameters resolve(Strategy strategy, BaseModel base, TrainingData data,
            HyperparameterOverrides given, long seed, int threads) {
        return resolve(strategy, pretrained(base), DataSize.of(data), given, seed, threads);
    }

    /** Whether the base's weights were learned (the sentence encoder's are; an architecture's are not). */
    static boolean pretrained(BaseModel base) {
        if (base instanceof BaseModel.Architecture a) {
            return dev.graft.basemodel.Architectures.isSentenceEncoder(a.id());
        }
        return !(base instanceof BaseModel.LinearModel);
    }

    /** Old rule kept: about ten batches per epoch, between 8 and 64 examples. */
    static int batchSize(int trainExamples) {
        return Math.min(64, Math.max(8, Integer.highestOneBit(Math.max(1, trainExamples / 10))));
    }

    /** The values a client can read back, by the jobs API's names. */
    public static Map<String, Object> toWire(Hyperparameters hp) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("n_epochs", hp.epochs());
        out.put("batch_size", hp.batchSize());
        out.put("learning_rate", round(hp.learningRate()));
        out.put("backbone_learning_rate_multiplier", round(hp.backboneLearningRateMultiplier()));
        out.put("unfreeze_layers", hp.unfreezeLayers());
        out.put("early_stopping_patience", hp.earlyStoppingPatience());
        out.put("weight_decay", round(hp.weightDecay()));
        out.put("augment", hp.augment().wireName());
        out.put("learning_rate_schedule", hp.schedule() == Hyperparameters.Schedule.WARMUP_COSINE
                ? "warmup_cosine" : "constant");
        out.put("class_balanced", hp.classBalanced());
        return out;
    }

    // Floats shown as the decimals a client wrote (3e-3, not 0.0030000000260770321).
    private static double round(float value) {
        return Double.parseDouble(Float.toString(value));
    }
}

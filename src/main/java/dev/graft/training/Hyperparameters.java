package dev.graft.training;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;

/**
 * Knobs of one run. {@link #defaults()} is the plain engine (constant rate, no decay, no
 * augmentation) that tests and benchmarks pin; what a job trains with by default comes from
 * {@link TrainingDefaults}.
 *
 * @param backboneLearningRateMultiplier backbone rate = {@code learningRate} times this
 * @param unfreezeLayers backbone units (from the top) that train under {@code partial}
 * @param earlyStoppingPatience epochs without a better (smoothed) validation loss before
 *     stopping; 0 = off
 * @param weightDecay decoupled (AdamW) decay of weights, not of biases or normalisation
 * @param schedule how the rate moves over the run's steps
 * @param augment image augmentation of training examples (never with feature extraction)
 * @param classBalanced weigh each class's loss by the inverse of its frequency
 * @param validationSmoothing exponential smoothing of the monitored validation loss across
 *     epochs (0 = raw), so that one lucky epoch on a tiny validation split decides nothing
 * @param threads PyTorch intra-op threads; 0 = leave as is
 */
public record Hyperparameters(int epochs, int batchSize, float learningRate,
        float backboneLearningRateMultiplier, int unfreezeLayers, int earlyStoppingPatience,
        float weightDecay, Schedule schedule, Augment augment, boolean classBalanced,
        float validationSmoothing, long seed, int threads, OptimizerKind optimizer) {

    public enum OptimizerKind { ADAM, SGD_MOMENTUM }

    /** Constant, or a linear warm-up over the first steps then cosine decay to zero. */
    public enum Schedule { CONSTANT, WARMUP_COSINE }

    /** Image augmentation policies, by wire name. Flips are never a default: a mirrored glyph is another symbol. */
    public enum Augment {
        NONE("none"), SHIFT_SCALE("shift_scale"), SHIFT_SCALE_FLIP("shift_scale_flip");

        private final String wireName;

        Augment(String wireName) {
            this.wireName = wireName;
        }

        @JsonValue
        public String wireName() {
            return wireName;
        }

        public static Augment fromWireName(String name) {
            return Arrays.stream(values()).filter(a -> a.wireName.equals(name)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("Unknown augmentation: " + name));
        }

        /** Artifacts written before policies existed say {@code true} (then: crop and flip) or {@code false}. */
        @JsonCreator
        static Augment fromJson(Object value) {
            if (value instanceof Boolean b) {
                return b ? SHIFT_SCALE_FLIP : NONE;
            }
            return fromWireName(String.valueOf(value));
        }
    }

    public Hyperparameters {
        if (epochs < 1 || batchSize < 1 || !(learningRate > 0)
                || !(backboneLearningRateMultiplier >= 0) || unfreezeLayers < 0
                || earlyStoppingPatience < 0 || threads < 0 || !(weightDecay >= 0)
                || !(validationSmoothing >= 0 && validationSmoothing < 1)) {
            throw new IllegalArgumentException("Invalid hyperparameters: epochs and batch size "
                    + "must be positive, the learning rate > 0, smoothing in [0,1), the rest >= 0");
        }
        schedule = schedule == null ? Schedule.CONSTANT : schedule;
        augment = augment == null ? Augment.NONE : augment;
        optimizer = optimizer == null ? OptimizerKind.ADAM : optimizer;
    }

    public static Hyperparameters defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().epochs(epochs).batchSize(batchSize).learningRate(learningRate)
                .backboneLearningRateMultiplier(backboneLearningRateMultiplier)
                .unfreezeLayers(unfreezeLayers).earlyStoppingPatience(earlyStoppingPatience)
                .weightDecay(weightDecay).schedule(schedule).augment(augment)
                .classBalanced(classBalanced).validationSmoothing(validationSmoothing).seed(seed)
                .threads(threads).optimizer(optimizer);
    }

    /** The one way to vary a run's knobs: start from {@link #defaults()} or {@link #toBuilder()}. */
    public static final class Builder {
        private int epochs = 10;
        private int batchSize = 32;
        private float learningRate = 1e-3f;
        private float backboneLearningRateMultiplier = 0.1f;
        private int unfreezeLayers = 1;
        private int earlyStoppingPatience;
        private float weightDecay;
        private Schedule schedule = Schedule.CONSTANT;
        private Augment augment = Augment.NONE;
        private boolean classBalanced;
        private float validationSmoothing;
        private long seed = 42;
        private int threads;
        private OptimizerKind optimizer = OptimizerKind.ADAM;

        private Builder() {
        }

        public Builder epochs(int v) { epochs = v; return this; }
        public Builder batchSize(int v) { batchSize = v; return this; }
        public Builder learningRate(float v) { learningRate = v; return this; }
        public Builder backboneLearningRateMultiplier(float v) { backboneLearningRateMultiplier = v; return this; }
        public Builder unfreezeLayers(int v) { unfreezeLayers = v; return this; }
        public Builder earlyStoppingPatience(int v) { earlyStoppingPatience = v; return this; }
        public Builder weightDecay(float v) { weightDecay = v; return this; }
        public Builder schedule(Schedule v) { schedule = v; return this; }
        public Builder augment(Augment v) { augment = v; return this; }
        public Builder classBalanced(boolean v) { classBalanced = v; return this; }
        public Builder validationSmoothing(float v) { validationSmoothing = v; return this; }
        public Builder seed(long v) { seed = v; return this; }
        public Builder threads(int v) { threads = v; return this; }
        public Builder optimizer(OptimizerKind v) { optimizer = v; return this; }

        public Hyperparameters build() {
            return new Hyperparameters(epochs, batchSize, learningRate,
                    backboneLearningRateMultiplier, unfreezeLayers, earlyStoppingPatience,
                    weightDecay, schedule, augment, classBalanced, validationSmoothing, seed,
                    threads, optimizer);
        }
    }
}

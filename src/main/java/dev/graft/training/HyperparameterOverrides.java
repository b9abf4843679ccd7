package dev.graft.training;

import java.util.Map;

/**
 * What a client fixed of a run's knobs; null fields are {@code "auto"}. Both an explicit run's
 * defaults ({@link TrainingDefaults}) and every candidate of the search give way to these.
 * Keys on the wire are the jobs API's names ({@code n_epochs}, {@code batch_size}, ...).
 */
public record HyperparameterOverrides(Integer epochs, Integer batchSize, Float learningRate,
        Float backboneLearningRateMultiplier, Integer unfreezeLayers,
        Integer earlyStoppingPatience, Float weightDecay, Hyperparameters.Augment augment) {

    public static final HyperparameterOverrides NONE =
            new HyperparameterOverrides(null, null, null, null, null, null, null, null);

    /**
     * From the API's map of wire names to a number, boolean or {@code "auto"} (already
     * validated); {@code augment} takes a policy name, or a boolean (true: shifts, scale and flips).
     */
    public static HyperparameterOverrides fromWire(Map<String, Object> given) {
        return new HyperparameterOverrides(integer(given, "n_epochs"), integer(given, "batch_size"),
                real(given, "learning_rate"), real(given, "backbone_learning_rate_multiplier"),
                integer(given, "unfreeze_layers"), integer(given, "early_stopping_patience"),
                real(given, "weight_decay"), augment(given.get("augment")));
    }

    /** The fixed values by wire name; absent keys are "auto". */
    public Map<String, Object> toWire() {
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        put(out, "n_epochs", epochs);
        put(out, "batch_size", batchSize);
        put(out, "learning_rate", learningRate == null ? null : Double.parseDouble(learningRate.toString()));
        put(out, "backbone_learning_rate_multiplier", backboneLearningRateMultiplier == null ? null
                : Double.parseDouble(backboneLearningRateMultiplier.toString()));
        put(out, "unfreeze_layers", unfreezeLayers);
        put(out, "early_stopping_patience", earlyStoppingPatience);
        put(out, "weight_decay", weightDecay == null ? null : Double.parseDouble(weightDecay.toString()));
        put(out, "augment", augment == null ? null : augment.wireName());
        return out;
    }

    private static void put(Map<String, Object> out, String key, Object value) {
        if (value != null) {
            out.put(key, value);
        }
    }

    Hyperparameters applyTo(Hyperparameters hp) {
        Hyperparameters.Builder b = hp.toBuilder();
        if (epochs != null) {
            b.epochs(epochs);
        }
        if (batchSize != null) {
            b.batchSize(batchSize);
        }
        if (learningRate != null) {
            b.learningRate(learningRate);
        }
        if (backboneLearningRateMultiplier != null) {
            b.backboneLearningRateMultiplier(backboneLearningRateMultiplier);
        }
        if (unfreezeLayers != null) {
            b.unfreezeLayers(unfreezeLayers);
        }
        if (earlyStoppingPatience != null) {
            b.earlyStoppingPatience(earlyStoppingPatience);
        }
        if (weightDecay != null) {
            b.weightDecay(weightDecay);
        }
        if (augment != null) {
            b.augment(augment);
        }
        return b.build();
    }

    private static Integer integer(Map<String, Object> given, String name) {
        return given.get(name) instanceof Number n ? n.intValue() : null;
    }

    private static Float real(Map<String, Object> given, String name) {
        return given.get(name) instanceof Number n ? n.floatValue() : null;
    }

    private static Hyperparameters.Augment augment(Object value) {
        if (value == null || "auto".equals(value)) {
            return null;
        }
        return Hyperparameters.Augment.fromJson(value);
    }
}

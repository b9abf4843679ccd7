package dev.graft.job;

import java.util.List;
import java.util.Map;

/**
 * Turns {@code "auto"} (or an absent value) into a concrete choice from what is known when the
 * job is created: the base model and the size of the dataset's train split. The rules are simple
 * on purpose, and the resolved values are shown on the job so nothing is hidden.
 */
final class HyperparameterResolver {

    /** Below this many train examples per class a pretrained backbone is only used as a frozen feature extractor. */
    static final int FEATURE_EXTRACTION_BELOW_PER_CLASS = 20;

    private HyperparameterResolver() {
    }

    /**
     * @param pretrained whether the base carries learned weights; a randomly initialised
     *                   architecture can only learn by training everything
     */
    static String strategy(String requested, boolean pretrained, List<String> supported, int trainExamples, int classes) {
        if (!"auto".equals(requested)) {
            return requested;
        }
        if (supported.size() == 1) {
            return supported.get(0);
        }
        if (!pretrained) {
            return "full";
        }
        return trainExamples < FEATURE_EXTRACTION_BELOW_PER_CLASS * classes ? "feature_extraction" : "partial";
    }

    static Hyperparameters resolve(Map<String, Object> given, String strategy, String modality, int trainExamples) {
        boolean headOnly = strategy.equals("feature_extraction");
        int epochs = intOr(given, "n_epochs", headOnly ? 30 : 15);
        int batch = intOr(given, "batch_size", Math.min(64, Math.max(8, Integer.highestOneBit(Math.max(1, trainExamples / 10)))));
        double learningRate = doubleOr(given, "learning_rate", 1e-3);
        int patience = intOr(given, "early_stopping_patience", headOnly ? 5 : 3);
        double multiplier = doubleOr(given, "backbone_learning_rate_multiplier", 0.1);
        int unfreeze = intOr(given, "unfreeze_layers", 1);
        Object augment = given.get("augment");
        boolean augmentImages = augment instanceof Boolean b ? b : modality.equals("image") && !headOnly;
        return new Hyperparameters(epochs, batch, learningRate, patience, multiplier, unfreeze, augmentImages);
    }

    private static int intOr(Map<String, Object> given, String name, int fallback) {
        return given.get(name) instanceof Number n ? n.intValue() : fallback;
    }

    private static double doubleOr(Map<String, Object> given, String name, double fallback) {
        return given.get(name) instanceof Number n ? n.doubleValue() : fallback;
    }
}

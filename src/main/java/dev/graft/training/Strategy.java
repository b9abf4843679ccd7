package dev.graft.training;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;

/** How much of the base model a run adapts. */
public enum Strategy {
    /** Backbone frozen in inference mode; only a new head trains, on cached embeddings. */
    FEATURE_EXTRACTION("feature_extraction"),
    /** The top {@code unfreeze_layers} backbone units and the head train. */
    PARTIAL("partial"),
    /** Everything trains; the backbone at the multiplied learning rate. */
    FULL("full"),
    /** Chosen from the data; see {@link #resolve}. */
    AUTO("auto");

    /**
     * With fewer training examples than this in some class, {@link #AUTO} picks feature
     * extraction: too few examples to move a backbone without overfitting it, while a linear
     * head on fixed embeddings still learns from a handful per class.
     */
    public static final int AUTO_MIN_EXAMPLES_PER_CLASS = 20;

    private final String wireName;

    Strategy(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    @JsonCreator
    public static Strategy fromWireName(String name) {
        return Arrays.stream(values()).filter(s -> s.wireName.equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("Unknown strategy: " + name));
    }

    /**
     * The concrete strategy for a run. {@code AUTO} on a pretrained base picks
     * {@code FEATURE_EXTRACTION} below {@link #AUTO_MIN_EXAMPLES_PER_CLASS} examples in the
     * rarest class and {@code PARTIAL} otherwise; on an untrained architecture there is nothing to
     * transfer, so freezing random weights would only waste capacity and it picks {@code FULL}.
     */
    Strategy resolve(boolean pretrainedBase, int smallestClassCount) {
        if (this != AUTO) {
            return this;
        }
        if (!pretrainedBase) {
            return FULL;
        }
        return smallestClassCount < AUTO_MIN_EXAMPLES_PER_CLASS ? FEATURE_EXTRACTION : PARTIAL;
    }
}

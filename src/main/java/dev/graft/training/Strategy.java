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
    /** Chosen by a budgeted search over configurations, the no-transfer ones included ({@link TrainingRun}). */
    AUTO("auto");

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
}

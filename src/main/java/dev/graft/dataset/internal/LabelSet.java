package dev.graft.dataset.internal;

import java.util.HashMap;
import java.util.Map;

/**
 * The distinct labels of an upload as it is read, capped in number and length. Every example of a
 * class shares one label instance, so a million rows of a few classes hold a few strings.
 */
final class LabelSet {

    private final DatasetLimits.Labels limits;
    private final Map<String, String> labels = new HashMap<>();
    private boolean full;

    LabelSet(DatasetLimits.Labels limits) {
        this.limits = limits;
    }

    /**
     * The label as every example of its class holds it, or null after recording why it cannot be
     * one at {@code location} (too long, or one class too many: then {@link #full()} turns true).
     */
    String accept(String label, String location, DatasetErrors errors) {
        String known = labels.get(label);
        if (known != null) {
            return known;
        }
        if (label.length() > limits.maxLength() && label.codePointCount(0, label.length()) > limits.maxLength()) {
            errors.add(location, "label of " + label.codePointCount(0, label.length()) + " characters; at most "
                    + limits.maxLength() + " are allowed (graft.datasets.max-label-length)");
            return null;
        }
        if (labels.size() >= limits.maxClasses()) {
            errors.add(location, "label \"" + label + "\" would be class " + (labels.size() + 1) + "; at most "
                    + limits.maxClasses() + " classes are allowed (graft.datasets.max-classes)");
            full = true;
            return null;
        }
        labels.put(label, label);
        return label;
    }

    /** Whether a label was refused for being one class too many: reading further only repeats that. */
    boolean full() {
        return full;
    }
}

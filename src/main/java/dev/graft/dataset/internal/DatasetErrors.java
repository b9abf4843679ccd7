package dev.graft.dataset.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects validation problems: keeps the first {@code cap} for the response and counts them
 * all, so a file with a million bad rows answers quickly with a bounded body and a true total.
 */
public final class DatasetErrors {

    private final int cap;
    private final List<DatasetIssue> listed = new ArrayList<>();
    private int total;

    public DatasetErrors(int cap) {
        this.cap = cap;
    }

    public void add(String location, String message) {
        total++;
        if (listed.size() < cap) {
            listed.add(new DatasetIssue(location, message));
        }
    }

    public boolean isEmpty() {
        return total == 0;
    }

    public int total() {
        return total;
    }

    public List<DatasetIssue> listed() {
        return List.copyOf(listed);
    }
}

package dev.graft.dataset;

import java.util.List;
import java.util.Map;

/** What the {@code stats} jsonb column holds. */
record DatasetStats(List<String> labels, Map<String, Integer> classCounts, Map<String, Object> details) {
}

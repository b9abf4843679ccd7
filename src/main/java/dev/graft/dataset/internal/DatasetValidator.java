package dev.graft.dataset.internal;

import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/** Class-level rules that hold for every format, checked once a reader's scan came out clean. */
public final class DatasetValidator {

    private DatasetValidator() {
    }

    public static void validate(DatasetFormat format, List<Example> examples, DatasetLimits limits,
                                DatasetErrors errors) {
        SortedMap<String, Integer> counts = classCounts(examples);
        if (counts.size() < 2) {
            String found = counts.isEmpty() ? "found no classes" : "found only 1 class: " + counts.firstKey();
            errors.add("file", found + "; at least 2 are needed");
        }
        counts.forEach((label, count) -> {
            if (count < limits.labels().minExamplesPerClass()) {
                errors.add(location(format, label), "class " + label + " has " + count
                        + (count == 1 ? " example" : " examples") + "; at least "
                        + limits.labels().minExamplesPerClass() + " are needed");
            }
        });
    }

    /** Distinct labels in natural String order, the order class indices are assigned in. */
    public static List<String> labels(List<Example> examples) {
        return List.copyOf(classCounts(examples).keySet());
    }

    public static SortedMap<String, Integer> classCounts(List<Example> examples) {
        SortedMap<String, Integer> counts = new TreeMap<>();
        for (Example example : examples) {
            counts.merge(example.label(), 1, Integer::sum);
        }
        return counts;
    }

    // For images the class is a folder, and the folder is what the user has to fix.
    private static String location(DatasetFormat format, String label) {
        return format == DatasetFormat.IMAGE_FOLDER ? label + "/" : label;
    }
}

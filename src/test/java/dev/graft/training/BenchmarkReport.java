package dev.graft.training;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The figures of a benchmark run: one value per round for each measured quantity, summarised as
 * median and min-max, written as Markdown for people and JSON (with every round's value) for
 * tools.
 */
final class BenchmarkReport {

    /** Median and range of one quantity over the rounds. */
    record Spread(double median, double min, double max, List<Double> values) {

        static Spread of(List<Double> values) {
            List<Double> sorted = values.stream().sorted().toList();
            int n = sorted.size();
            double median = n % 2 == 1 ? sorted.get(n / 2)
                    : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
            return new Spread(median, sorted.get(0), sorted.get(n - 1), List.copyOf(values));
        }

        String format(String pattern) {
            return String.format(Locale.ROOT, pattern + " (" + pattern + "–" + pattern + ")",
                    median, min, max);
        }
    }

    private record Document(Map<String, Object> environment, Map<String, Spread> results) {
    }

    private final Map<String, List<Double>> values = new LinkedHashMap<>();
    private final Map<String, Object> environment = new LinkedHashMap<>();
    private final List<String> markdown = new ArrayList<>();

    void add(String key, double value) {
        values.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
    }

    Spread spread(String key) {
        List<Double> v = values.get(key);
        if (v == null) {
            throw new IllegalArgumentException("Nothing measured for " + key);
        }
        return Spread.of(v);
    }

    void environment(String key, Object value) {
        environment.put(key, value);
    }

    Map<String, Object> environment() {
        return environment;
    }

    /** Appends lines to the Markdown report. */
    void line(String text) {
        markdown.add(text);
    }

    void write(Path directory, String name) {
        Map<String, Spread> results = new LinkedHashMap<>();
        values.keySet().forEach(k -> results.put(k, spread(k)));
        try {
            Files.createDirectories(directory);
            Files.writeString(directory.resolve(name + ".md"), String.join("\n", markdown) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Json.write(directory.resolve(name + ".json"), new Document(environment, results));
    }
}

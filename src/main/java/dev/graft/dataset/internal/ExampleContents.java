package dev.graft.dataset.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.commons.compress.archivers.zip.ZipFile;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.graft.dataset.ImageEntry;

/**
 * Reads the content of a stored, already validated dataset file, by example location: the
 * feature row of a CSV line, the text of a CSV or JSONL line, the bytes of an archive entry.
 * Locations are the ones the readers recorded at upload, so contents and labels line up however
 * the file is ordered.
 */
public final class ExampleContents {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private ExampleContents() {
    }

    /**
     * @param identity the stored file's identity, prefixed to image entries' ({@link ImageEntry#identity()})
     * @return location → {@code float[]} (csv), {@code String} (text) or {@link ImageEntry} (images)
     */
    public static Map<String, Object> read(DatasetFormat format, Path file, String identity, ReadOptions options,
            Set<String> locations)
            throws IOException {
        return switch (format) {
            case CSV -> features(file, options.labelColumn(), locations);
            case TEXT -> TextReader.isJsonLines(file, file.getFileName().toString())
                    ? jsonLines(file, options.textColumn(), locations)
                    : csvText(file, options.textColumn(), locations);
            case IMAGE_FOLDER -> images(file, identity, locations);
        };
    }

    /** Feature rows: every column but the label, in header order. */
    private static Map<String, Object> features(Path file, String labelColumn, Set<String> locations) throws IOException {
        return csvRows(file, labelColumn, locations, (row, label) -> {
            float[] values = new float[row.size() - 1];
            for (int i = 0, j = 0; i < row.size(); i++) {
                if (i != label) {
                    values[j++] = Float.parseFloat(row.get(i).strip());
                }
            }
            return values;
        });
    }

    private static Map<String, Object> csvText(Path file, String textColumn, Set<String> locations) throws IOException {
        return csvRows(file, textColumn, locations, (row, text) -> row.get(text));
    }

    /** Reads the rows at {@code locations}, handing each with the index of the header's {@code column}. */
    private static Map<String, Object> csvRows(Path file, String column, Set<String> locations,
            java.util.function.BiFunction<CsvRows.Row, Integer, Object> content) throws IOException {
        Map<String, Object> out = new HashMap<>();
        DatasetErrors errors = new DatasetErrors(1);
        int[] index = {-1};
        try (BufferedReader reader = StrictUtf8.open(file)) {
            CsvRows.read(reader, CsvRows.VALIDATED, errors, row -> {
                if (index[0] < 0) {
                    for (int i = 0; i < row.size(); i++) {
                        if (row.get(i).strip().equals(column)) {
                            index[0] = i;
                        }
                    }
                    return index[0] >= 0;
                }
                String location = Long.toString(row.line());
                if (locations.contains(location)) {
                    out.put(location, content.apply(row, index[0]));
                }
                return true;
            });
        }
        return checked(out, locations, errors);
    }

    private static Map<String, Object> jsonLines(Path file, String textField, Set<String> locations) throws IOException {
        Map<String, Object> out = new HashMap<>();
        try (BufferedReader reader = StrictUtf8.open(file)) {
            String line;
            long number = 0;
            while ((line = reader.readLine()) != null) {
                number++;
                String location = Long.toString(number);
                if (locations.contains(location)) {
                    JsonNode node = JSON.readTree(line);
                    out.put(location, node.get(textField).asString());
                }
            }
        }
        return checked(out, locations, new DatasetErrors(1));
    }

    /** Image entries are not read here: each becomes an {@link ImageEntry} that reads itself when needed. */
    private static Map<String, Object> images(Path file, String identity, Set<String> locations) throws IOException {
        Map<String, Object> out = new HashMap<>();
        try (ZipFile zip = ZipFile.builder().setPath(file).get()) {
            for (String location : locations) {
                if (zip.getEntry(location) != null) {
                    out.put(location, new ImageEntry(identity + "/" + location, file, location));
                }
            }
        }
        return checked(out, locations, new DatasetErrors(1));
    }

    private static Map<String, Object> checked(Map<String, Object> out, Set<String> locations, DatasetErrors errors) {
        if (!errors.isEmpty() || out.size() != locations.size()) {
            List<String> missing = locations.stream().filter(l -> !out.containsKey(l)).limit(5).toList();
            throw new IllegalStateException("The stored dataset file does not match its split: missing " + missing
                    + (errors.isEmpty() ? "" : ", " + errors.listed()));
        }
        return out;
    }
}

package dev.graft.dataset.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Reads text classification data: CSV with text and label columns, or JSON Lines. */
public final class TextReader implements DatasetReader {

    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    @Override
    public DatasetFormat format() {
        return DatasetFormat.TEXT;
    }

    @Override
    public ScannedDataset scan(Path file, ReadOptions options, DatasetErrors errors) throws IOException {
        if (!StrictUtf8.check(file, options.limits().rows().maxLineBytes(), errors)) {
            return new ScannedDataset(List.of(), Map.of());
        }
        boolean jsonl = isJsonLines(file, options.filename());
        TextStats stats = new TextStats();
        List<Example> examples = new ArrayList<>();
        LabelSet labels = new LabelSet(options.limits().labels());
        try (BufferedReader reader = StrictUtf8.open(file)) {
            if (jsonl) {
                readJsonLines(reader, options, labels, errors, examples, stats);
            } else {
                readCsv(reader, options, labels, errors, examples, stats);
            }
        }
        if (examples.isEmpty() && errors.isEmpty()) {
            errors.add("file", "the file holds no examples");
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("text_format", jsonl ? "jsonl" : "csv");
        details.put("text_length", stats.summary());
        return new ScannedDataset(examples, details);
    }

    static boolean isJsonLines(Path file, String filename) throws IOException {
        String name = filename == null ? "" : filename.toLowerCase(Locale.ROOT);
        if (name.endsWith(".jsonl") || name.endsWith(".ndjson")) {
            return true;
        }
        if (name.endsWith(".csv")) {
            return false;
        }
        try (InputStream in = Files.newInputStream(file)) {
            int b;
            while ((b = in.read()) >= 0) {
                // Skip whitespace and the bytes of a UTF-8 byte-order mark.
                if (!Character.isWhitespace(b) && b != 0xEF && b != 0xBB && b != 0xBF) {
                    return b == '{';
                }
            }
        }
        return false;
    }

    // StrictUtf8.check has bounded every line, so readLine builds nothing longer than the limit.
    private static void readJsonLines(BufferedReader reader, ReadOptions options, LabelSet labels, DatasetErrors errors,
                                      List<Example> examples, TextStats stats) throws IOException {
        String textField = options.textColumn();
        String labelField = options.labelColumn();
        long maxRows = options.limits().rows().maxRows();
        String text;
        long lineNumber = 0;
        long rows = 0;
        while ((text = reader.readLine()) != null) {
            lineNumber++;
            if (text.isBlank()) {
                continue;
            }
            String line = Long.toString(lineNumber);
            if (++rows > maxRows) {
                errors.add(line, "more than " + maxRows + " rows (graft.datasets.max-rows)");
                return;
            }
            JsonNode node;
            try {
                node = JSON.readTree(text);
            } catch (JacksonException e) {
                // Jackson's own message names Java types and echoes the input; the column is what helps.
                errors.add(line, "invalid JSON" + (e.getLocation() == null ? "" : " at column " + e.getLocation().getColumnNr()));
                continue;
            }
            if (!node.isObject()) {
                errors.add(line, "expected a JSON object, found " + describe(node));
                continue;
            }
            String value = jsonText(node.get(textField), textField, line, errors);
            String label = jsonLabel(node.get(labelField), labelField, line, errors);
            if (label != null) {
                label = labels.accept(label, line + ":" + labelField, errors);
                if (labels.full()) {
                    return;
                }
            }
            if (value != null && label != null) {
                stats.add(value);
                examples.add(new Example(label, line));
            }
        }
    }

    private static String jsonText(JsonNode node, String field, String line, DatasetErrors errors) {
        if (node == null) {
            errors.add(line, "missing field \"" + field + "\"");
            return null;
        }
        if (!node.isString()) {
            errors.add(line + ":" + field, "\"" + field + "\" must be a string, found " + describe(node));
            return null;
        }
        if (node.stringValue().isBlank()) {
            errors.add(line + ":" + field, "empty text");
            return null;
        }
        return node.stringValue();
    }

    private static String jsonLabel(JsonNode node, String field, String line, DatasetErrors errors) {
        if (node == null) {
            errors.add(line, "missing field \"" + field + "\"");
            return null;
        }
        if (node.isNumber()) {
            // Numeric class ids are common in JSONL exports; 3 and "3" name the same class.
            return node.isIntegralNumber() ? node.bigIntegerValue().toString() : node.asString();
        }
        if (!node.isString()) {
            errors.add(line + ":" + field, "\"" + field + "\" must be a string or a number, found "
                    + describe(node));
            return null;
        }
        if (node.stringValue().isBlank()) {
            errors.add(line + ":" + field, "empty label");
            return null;
        }
        return node.stringValue().strip();
    }

    private static String describe(JsonNode node) {
        return node.getNodeType().name().toLowerCase(Locale.ROOT);
    }

    private static void readCsv(BufferedReader reader, ReadOptions options, LabelSet labels, DatasetErrors errors,
                                List<Example> examples, TextStats stats) throws IOException {
        String textColumn = options.textColumn();
        String labelColumn = options.labelColumn();
        TableHeader[] header = new TableHeader[1];
        int[] columns = new int[2];
        CsvRows.read(reader, options.limits().rows(), errors, row -> {
            if (header[0] == null) {
                header[0] = TableHeader.check(row, errors);
                if (header[0] == null) {
                    return false;
                }
                columns[0] = header[0].indexOf(textColumn);
                columns[1] = header[0].indexOf(labelColumn);
                for (String wanted : List.of(textColumn, labelColumn)) {
                    if (header[0].indexOf(wanted) < 0) {
                        errors.add(row.line() + ":" + wanted, "column \"" + wanted + "\" not found; columns are "
                                + header[0].names());
                    }
                }
                return columns[0] >= 0 && columns[1] >= 0;
            }
            String line = Long.toString(row.line());
            if (row.size() != header[0].size()) {
                errors.add(line, "row has " + row.size() + " fields, expected " + header[0].size());
                return true;
            }
            String text = row.get(columns[0]);
            String label = row.get(columns[1]);
            if (text.isBlank()) {
                errors.add(line + ":" + textColumn, "empty text");
            }
            if (label.isBlank()) {
                errors.add(line + ":" + labelColumn, "empty label");
            }
            String accepted = label.isBlank() ? null : labels.accept(label.strip(), line + ":" + labelColumn, errors);
            if (!text.isBlank() && accepted != null) {
                stats.add(text);
                examples.add(new Example(accepted, line));
            }
            return !labels.full();
        });
        if (header[0] == null && errors.isEmpty()) {
            errors.add("file", "the file has no header row");
        }
    }

    /** Text lengths in Unicode code points, so an emoji counts as one character. */
    private static final class TextStats {
        private long count;
        private long total;
        private long min = Long.MAX_VALUE;
        private long max;

        void add(String text) {
            long length = text.codePointCount(0, text.length());
            count++;
            total += length;
            min = Math.min(min, length);
            max = Math.max(max, length);
        }

        Map<String, Object> summary() {
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("min", count == 0 ? 0 : min);
            summary.put("max", max);
            summary.put("mean", count == 0 ? 0.0 : Math.round(10.0 * total / count) / 10.0);
            return summary;
        }
    }
}

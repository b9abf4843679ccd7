package dev.graft.dataset.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Reads tabular data: a header row, numeric feature columns and one label column. */
public final class CsvReader implements DatasetReader {

    // Plain decimal notation only: Double.parseDouble would also take "0x1p3", "1d" and "NaN".
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

    @Override
    public DatasetFormat format() {
        return DatasetFormat.CSV;
    }

    @Override
    public ScannedDataset scan(Path file, ReadOptions options, DatasetErrors errors) throws IOException {
        DatasetLimits limits = options.limits();
        if (!StrictUtf8.check(file, limits.rows().maxLineBytes(), errors)) {
            return new ScannedDataset(List.of(), Map.of());
        }
        Scan scan = new Scan(options.labelColumn(), new LabelSet(limits.labels()), errors);
        try (BufferedReader reader = StrictUtf8.open(file)) {
            CsvRows.read(reader, limits.rows(), errors, scan::row);
        }
        if (scan.header == null && errors.isEmpty()) {
            errors.add("file", "the file has no header row");
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("features", scan.features);
        details.put("num_features", scan.features.size());
        return new ScannedDataset(scan.examples, details);
    }

    private static final class Scan {
        private final String labelColumn;
        private final LabelSet labels;
        private final DatasetErrors errors;
        private final List<Example> examples = new ArrayList<>();
        private final List<String> features = new ArrayList<>();
        private TableHeader header;
        private int labelIndex;

        Scan(String labelColumn, LabelSet labels, DatasetErrors errors) {
            this.labelColumn = labelColumn;
            this.labels = labels;
            this.errors = errors;
        }

        boolean row(CsvRows.Row row) {
            if (header == null) {
                return readHeader(row);
            }
            String line = Long.toString(row.line());
            if (row.size() != header.size()) {
                errors.add(line, "row has " + row.size() + " fields, expected " + header.size());
                return true;
            }
            boolean valid = true;
            for (int i = 0; i < row.size(); i++) {
                String problem = i == labelIndex ? labelProblem(row.get(i)) : featureProblem(row.get(i));
                if (problem != null) {
                    errors.add(line + ":" + header.name(i), problem);
                    valid = false;
                }
            }
            String label = row.get(labelIndex).isBlank() ? null
                    : labels.accept(row.get(labelIndex).strip(), line + ":" + labelColumn, errors);
            if (valid && label != null) {
                examples.add(new Example(label, line));
            }
            return !labels.full();
        }

        private boolean readHeader(CsvRows.Row row) {
            header = TableHeader.check(row, errors);
            if (header == null) {
                return false;
            }
            labelIndex = header.indexOf(labelColumn);
            if (labelIndex < 0) {
                errors.add(row.line() + ":" + labelColumn, "label column \"" + labelColumn
                        + "\" not found; columns are " + header.names());
                return false;
            }
            for (int i = 0; i < header.size(); i++) {
                if (i != labelIndex) {
                    features.add(header.name(i));
                }
            }
            if (features.isEmpty()) {
                errors.add(Long.toString(row.line()), "no feature columns; at least 1 is needed besides \""
                        + labelColumn + "\"");
                return false;
            }
            return true;
        }

        private static String labelProblem(String value) {
            return value.isBlank() ? "empty label" : null;
        }

        private static String featureProblem(String raw) {
            String value = raw.strip();
            if (value.isEmpty()) {
                return "missing value";
            }
            String lower = value.toLowerCase(java.util.Locale.ROOT).replaceFirst("^[+-]", "");
            if (lower.equals("nan") || lower.startsWith("inf")) {
                return "\"" + value + "\" is not allowed; features must be finite numbers";
            }
            if (!DECIMAL.matcher(value).matches()) {
                return "\"" + value + "\" is not a number";
            }
            if (Double.isInfinite(Double.parseDouble(value))) {
                return "\"" + value + "\" is too large for a 64-bit floating-point number";
            }
            return null;
        }
    }
}

package dev.graft.dataset.internal;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.util.Iterator;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * CSV records with the physical line each starts on, blank lines skipped. commons-csv only knows
 * how many line breaks it has consumed, so a record's start is one past where the previous ended;
 * that stays right when a quoted field spans lines.
 */
final class CsvRows {

    /** One record and the 1-based line it starts on. */
    record Row(long line, CSVRecord record) {

        int size() {
            return record.size();
        }

        String get(int index) {
            return record.get(index);
        }
    }

    interface RowHandler {
        /** @return false to stop reading */
        boolean handle(Row row);
    }

    // Empty lines are kept (not ignored by the parser) so that the line arithmetic sees them.
    private static final CSVFormat FORMAT = CSVFormat.DEFAULT.builder().setIgnoreEmptyLines(false).get();

    private CsvRows() {
    }

    /**
     * Feeds every non-blank record to {@code handler}. A syntax error (say an unclosed quote) is
     * recorded at the line where the broken record starts and ends the reading.
     */
    static void read(Reader reader, DatasetErrors errors, RowHandler handler) throws IOException {
        try (CSVParser parser = CSVParser.builder().setReader(reader).setFormat(FORMAT).get()) {
            Iterator<CSVRecord> records = parser.iterator();
            long previousEnd = 0;
            while (true) {
                CSVRecord record;
                try {
                    if (!records.hasNext()) {
                        return;
                    }
                    record = records.next();
                } catch (UncheckedIOException | IllegalStateException e) {
                    errors.add(Long.toString(previousEnd + 1), "malformed CSV: " + rootMessage(e));
                    return;
                }
                long start = previousEnd + 1;
                previousEnd = parser.getCurrentLineNumber();
                if (isBlank(record)) {
                    continue;
                }
                if (!handler.handle(new Row(start, record))) {
                    return;
                }
            }
        }
    }

    private static boolean isBlank(CSVRecord record) {
        return record.size() == 1 && record.get(0).isBlank();
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getMessage();
    }
}

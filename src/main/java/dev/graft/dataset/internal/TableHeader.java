package dev.graft.dataset.internal;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** A CSV header row whose names are all present and distinct. */
final class TableHeader {

    private final List<String> names;

    private TableHeader(List<String> names) {
        this.names = names;
    }

    /** The header, or null after recording why the row cannot be one. */
    static TableHeader check(CsvRows.Row row, DatasetErrors errors) {
        List<String> names = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        boolean valid = true;
        for (int i = 0; i < row.size(); i++) {
            String name = row.get(i).strip();
            if (name.isEmpty()) {
                errors.add(Long.toString(row.line()), "column " + (i + 1) + " of the header has no name");
                valid = false;
            } else if (!seen.add(name)) {
                errors.add(row.line() + ":" + name, "duplicate column name \"" + name + "\"");
                valid = false;
            }
            names.add(name);
        }
        return valid ? new TableHeader(List.copyOf(names)) : null;
    }

    int size() {
        return names.size();
    }

    String name(int index) {
        return names.get(index);
    }

    int indexOf(String name) {
        return names.indexOf(name);
    }

    List<String> names() {
        return names;
    }
}

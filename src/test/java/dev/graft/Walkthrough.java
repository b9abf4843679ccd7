package dev.graft;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The walkthrough of README.md as a test reads it: every ```bash block right after a
 * {@code <!-- walkthrough -->} line, in order, cut into steps. A step ends at a blank line or at
 * the output shown after it: a run of comment lines directly under a command whose first line is
 * JSON ({@code # {…}}, {@code # […]}) or a CSV header ({@code # epoch,step,…}).
 */
record Walkthrough(List<Step> steps) {

    static final String MARKER = "<!-- walkthrough -->";
    private static final Pattern CSV_HEADER = Pattern.compile("[a-z_]+(,[a-z_]+)+");
    private static final Pattern FIELD = Pattern.compile("\"([A-Za-z_][A-Za-z0-9_]*)\"\\s*:");

    /** Lines to run, where they start in README.md, and the output shown after them (null if none). */
    record Step(int line, List<String> commands, String shown) {

        boolean showsJson() {
            return shown != null && (shown.startsWith("{") || shown.startsWith("["));
        }

        /** The field names the shown JSON uses; "…" in it means the README left some out. */
        Set<String> shownFields() {
            Set<String> fields = new LinkedHashSet<>();
            Matcher m = FIELD.matcher(shown);
            while (m.find()) {
                fields.add(m.group(1));
            }
            return fields;
        }

        boolean shownInFull() {
            return !shown.contains("…");
        }
    }

    static Walkthrough parse(List<String> readme) {
        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < readme.size(); i++) {
            if (!readme.get(i).trim().equals(MARKER)) {
                continue;
            }
            if (i + 1 >= readme.size() || !readme.get(i + 1).trim().equals("```bash")) {
                throw new IllegalStateException("README.md line " + (i + 1) + ": " + MARKER + " must come right before a ```bash block");
            }
            int line = i + 2;
            List<String> commands = new ArrayList<>();
            int start = line;
            while (line < readme.size() && !readme.get(line).trim().equals("```")) {
                String text = readme.get(line);
                if (text.isBlank()) {
                    addIfAny(steps, start, commands, null);
                    commands = new ArrayList<>();
                    start = line + 1;
                }
                else if (isOutputStart(text) && !commands.isEmpty() && !commands.get(commands.size() - 1).startsWith("#")) {
                    StringBuilder shown = new StringBuilder(text.substring(1).trim());
                    while (line + 1 < readme.size() && readme.get(line + 1).startsWith("#")) {
                        line++;
                        shown.append('\n').append(readme.get(line).substring(1).trim());
                    }
                    addIfAny(steps, start, commands, shown.toString());
                    commands = new ArrayList<>();
                    start = line + 1;
                }
                else {
                    commands.add(text);
                }
                line++;
            }
            if (line >= readme.size()) {
                throw new IllegalStateException("README.md line " + (i + 2) + ": the walkthrough block never ends");
            }
            addIfAny(steps, start, commands, null);
            i = line;
        }
        return new Walkthrough(steps);
    }

    private static boolean isOutputStart(String text) {
        if (!text.startsWith("# ")) {
            return false;
        }
        String rest = text.substring(2).trim();
        return rest.startsWith("{") || rest.startsWith("[") || CSV_HEADER.matcher(rest).matches();
    }

    private static void addIfAny(List<Step> steps, int start, List<String> commands, String shown) {
        if (commands.stream().anyMatch(c -> !c.isBlank() && !c.startsWith("#"))) {
            steps.add(new Step(start + 1, List.copyOf(commands), shown));
        }
    }
}

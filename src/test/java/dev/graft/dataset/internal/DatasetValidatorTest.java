package dev.graft.dataset.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DatasetValidatorTest {

    private static final DatasetLimits MIN_3 = Uploads.limits(Uploads.LIMITS.archive(), Uploads.LIMITS.rows(),
            new DatasetLimits.Labels(100, 64, 3));

    private final DatasetErrors errors = Uploads.errors();

    private static List<Example> examples(String... labels) {
        return java.util.stream.IntStream.range(0, labels.length)
                .mapToObj(i -> new Example(labels[i], Integer.toString(i + 2)))
                .toList();
    }

    @Test
    void acceptsTwoClassesWithEnoughExamples() {
        DatasetValidator.validate(DatasetFormat.CSV, examples("a", "b", "a", "b", "a", "b"), MIN_3, errors);

        assertThat(errors.listed()).isEmpty();
    }

    @Test
    void needsAtLeastTwoClasses() {
        DatasetValidator.validate(DatasetFormat.CSV, examples("cat", "cat", "cat"), MIN_3, errors);

        assertThat(errors.listed()).containsExactly(
                new DatasetIssue("file", "found only 1 class: cat; at least 2 are needed"));
    }

    @Test
    void reportsNoClassesForAnEmptyDataset() {
        DatasetValidator.validate(DatasetFormat.TEXT, List.of(), MIN_3, errors);

        assertThat(errors.listed()).containsExactly(
                new DatasetIssue("file", "found no classes; at least 2 are needed"));
    }

    @Test
    void reportsEachSmallClassAtItsLabel() {
        DatasetValidator.validate(DatasetFormat.TEXT, examples("a", "a", "a", "b", "c", "c"), MIN_3, errors);

        assertThat(errors.listed()).containsExactly(
                new DatasetIssue("b", "class b has 1 example; at least 3 are needed"),
                new DatasetIssue("c", "class c has 2 examples; at least 3 are needed"));
    }

    @Test
    void reportsSmallImageClassesAtTheirFolder() {
        DatasetValidator.validate(DatasetFormat.IMAGE_FOLDER, examples("cat", "dog", "dog", "dog"), MIN_3, errors);

        assertThat(errors.listed()).extracting(DatasetIssue::location).containsExactly("cat/");
    }

    @Test
    void listsLabelsSortedWithTheirCounts() {
        List<Example> examples = examples("b", "a", "B", "b");

        assertThat(DatasetValidator.labels(examples)).containsExactly("B", "a", "b");
        assertThat(DatasetValidator.classCounts(examples)).containsExactly(
                Map.entry("B", 1), Map.entry("a", 1), Map.entry("b", 2));
    }
}

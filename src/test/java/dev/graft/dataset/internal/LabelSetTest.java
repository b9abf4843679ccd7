package dev.graft.dataset.internal;

import static dev.graft.dataset.internal.Uploads.LIMITS;
import static dev.graft.dataset.internal.Uploads.png;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabelSetTest {

    @TempDir
    Path dir;

    private final DatasetErrors errors = Uploads.errors();

    @Test
    void returnsOneInstancePerLabelAndRefusesTheClassPastTheLimit() {
        LabelSet labels = new LabelSet(new DatasetLimits.Labels(2, 64, 1));

        String first = labels.accept(new String("cat"), "2", errors);
        String again = labels.accept(new String("cat"), "3", errors);
        labels.accept("dog", "4", errors);
        String third = labels.accept("bird", "5", errors);

        assertThat(again).isSameAs(first);
        assertThat(third).isNull();
        assertThat(labels.full()).isTrue();
        assertThat(errors.listed()).containsExactly(new DatasetIssue("5",
                "label \"bird\" would be class 3; at most 2 classes are allowed (graft.datasets.max-classes)"));
    }

    @Test
    void stopsAtTheFolderPastTheClassLimit() throws IOException {
        Path zip = new Uploads.Zip().with("a/1.png", png(2, 2)).with("b/1.png", png(2, 2)).with("c/1.png", png(2, 2))
                .writeTo(dir);

        DatasetLimits twoClasses = Uploads.limits(LIMITS.archive(), LIMITS.rows(), new DatasetLimits.Labels(2, 64, 1));

        new ImageFolderReader().scan(zip, Uploads.options("images.zip", twoClasses), errors);

        assertThat(errors.listed()).containsExactly(new DatasetIssue("c/1.png",
                "label \"c\" would be class 3; at most 2 classes are allowed (graft.datasets.max-classes)"));
    }
}

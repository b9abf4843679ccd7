package dev.graft.dataset.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.graft.dataset.ImageEntry;
import dev.graft.support.Fixtures;

class ExampleContentsTest {

    @TempDir
    Path dir;

    private static ReadOptions options() {
        return new ReadOptions("label", "text", null, null);
    }

    @Test
    void readsFeatureRowsWithoutTheLabelColumnByLine() throws Exception {
        Path csv = Files.writeString(dir.resolve("data.csv"), "a,label,b\n1,x,2\n\n\"3\",y,4.5\n");

        Map<String, Object> rows = ExampleContents.read(DatasetFormat.CSV, csv, "ds_1@abc", options(), Set.of("2", "4"));

        assertThat((float[]) rows.get("2")).containsExactly(1f, 2f);
        assertThat((float[]) rows.get("4")).containsExactly(3f, 4.5f);
    }

    @Test
    void readsTextFromCsvAndJsonLines() throws Exception {
        Path csv = Files.writeString(dir.resolve("data.csv"), "label,text\npos,\"multi\nline\"\nneg,plain\n");
        Path jsonl = Files.writeString(dir.resolve("data.jsonl"), "{\"text\": \"one\", \"label\": 1}\n\n{\"text\": \"two\", \"label\": 2}\n");

        assertThat(ExampleContents.read(DatasetFormat.TEXT, csv, "ds_1@abc", options(), Set.of("2", "4")))
                .containsExactlyInAnyOrderEntriesOf(Map.of("2", "multi\nline", "4", "plain"));
        assertThat(ExampleContents.read(DatasetFormat.TEXT, jsonl, "ds_1@abc", options(), Set.of("1", "3")))
                .containsExactlyInAnyOrderEntriesOf(Map.of("1", "one", "3", "two"));
    }

    @Test
    void readsImageBytesByArchivePathWhenAsked() throws Exception {
        byte[] png = Fixtures.png(4, 4, 1);
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("cat/a.png", png);
        Path zip = Files.write(dir.resolve("data.zip"), Fixtures.zip(entries));

        Map<String, Object> images = ExampleContents.read(DatasetFormat.IMAGE_FOLDER, zip, "ds_1@abc", options(), Set.of("cat/a.png"));

        ImageEntry entry = (ImageEntry) images.get("cat/a.png");
        assertThat(entry.identity()).isEqualTo("ds_1@abc/cat/a.png");
        assertThat(entry.read()).isEqualTo(png);
    }

    @Test
    void aFileThatNoLongerMatchesItsSplitIsAnError() throws Exception {
        Path csv = Files.writeString(dir.resolve("data.csv"), "a,label\n1,x\n");

        assertThatThrownBy(() -> ExampleContents.read(DatasetFormat.CSV, csv, "ds_1@abc", options(), Set.of("2", "9")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("9");
    }
}

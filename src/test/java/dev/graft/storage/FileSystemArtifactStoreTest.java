package dev.graft.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSystemArtifactStoreTest {

    @TempDir
    Path root;

    @Test
    void stagedContentIsInvisibleUntilCommittedAndHashed() throws Exception {
        FileSystemArtifactStore store = new FileSystemArtifactStore(new StorageProperties(root));
        try (StagedArtifact staged = store.stage(new ByteArrayInputStream("abc".getBytes(StandardCharsets.UTF_8)))) {
            assertThat(staged.size()).isEqualTo(3);
            assertThat(staged.sha256()).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
            assertThat(store.exists("a/b.txt")).isFalse();
            store.commit(staged, "a/b.txt");
        }
        assertThat(Files.readString(store.localPath("a/b.txt"))).isEqualTo("abc");
        assertThat(root.resolve(".staging")).isEmptyDirectory();
    }

    @Test
    void closingAnUncommittedStageDeletesIt() throws Exception {
        FileSystemArtifactStore store = new FileSystemArtifactStore(new StorageProperties(root));
        Path staged;
        try (StagedArtifact s = store.stage(new ByteArrayInputStream(new byte[10]))) {
            staged = s.path();
            assertThat(staged).exists();
        }
        assertThat(staged).doesNotExist();
    }

    @Test
    void refusesKeysThatEscapeTheStore() {
        FileSystemArtifactStore store = new FileSystemArtifactStore(new StorageProperties(root));
        for (String key : new String[] {"../x", "/etc/passwd", "a/../../x", ".staging/x", "a//b", ""}) {
            assertThatThrownBy(() -> store.put(key, new byte[1])).as(key).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void deleteAllRemovesATreeAndToleratesAMissingOne() throws Exception {
        FileSystemArtifactStore store = new FileSystemArtifactStore(new StorageProperties(root));
        store.put("d/1/x", new byte[1]);
        store.put("d/1/y/z", new byte[1]);
        store.put("d/2/x", new byte[1]);
        store.deleteAll("d/1");
        store.deleteAll("d/3");
        assertThat(root.resolve("d/1")).doesNotExist();
        assertThat(store.exists("d/2/x")).isTrue();
    }
}

package dev.graft.basemodel;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.graft.web.FieldError;

/** The TorchScript probe runs in its own JVM: its verdicts, and a probe that takes too long, come back as field errors. */
class IsolatedProbeTest {

    static final Path BACKBONE = Path.of("src/test/resources/torchscript/tiny-backbone.pt");
    static final Path DATA = Path.of("target", "probe-data");

    @Test
    void aModuleThatLoadsAndMatchesItsDescriptorPasses() {
        assertThat(IsolatedProbe.check(BACKBONE, List.of(1, 16, 16), 16, List.of(), DATA, Duration.ofMinutes(2))).isNull();
    }

    @Test
    void theChildsVerdictNamesTheField() {
        FieldError wrongSize = IsolatedProbe.check(BACKBONE, List.of(1, 16, 16), 7, List.of(), DATA, Duration.ofMinutes(2));
        assertThat(wrongSize.location()).isEqualTo("descriptor.embedding_size");
        assertThat(wrongSize.message()).contains("says 7");
    }

    @Test
    void aFileThatIsNoModuleIsRefused(@TempDir Path dir) throws Exception {
        Path junk = Files.writeString(dir.resolve("junk.pt"), "import os; os.system('rm -rf /')");
        FieldError problem = IsolatedProbe.check(junk, List.of(1, 16, 16), 16, List.of(), DATA, Duration.ofMinutes(2));
        assertThat(problem.location()).isEqualTo("file");
        assertThat(problem.message()).contains("not a TorchScript module");
    }

    @Test
    void aProbeThatRunsOutOfTimeIsStoppedAndRefusesTheImport() {
        FieldError problem = IsolatedProbe.check(BACKBONE, List.of(1, 16, 16), 16, List.of(), DATA, Duration.ofMillis(50));
        assertThat(problem.location()).isEqualTo("file");
        assertThat(problem.message()).contains("did not load and answer a dummy batch within");
    }
}

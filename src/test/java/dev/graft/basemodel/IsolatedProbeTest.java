package dev.graft.basemodel;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.graft.support.Await;
import dev.graft.support.TestDatabase;
import dev.graft.web.FieldError;

/** The TorchScript probe runs in its own JVM: its verdicts, and a probe that takes too long, come back as field errors. */
class IsolatedProbeTest {

    static final Path BACKBONE = Path.of("src/test/resources/torchscript/tiny-backbone.pt");
    /** Prints the old verdict marker, {@code graft-probe-ok}, and returns 8 values where the descriptor says 16. */
    static final Path PRINTS_VERDICT = Path.of("src/test/resources/torchscript/prints-probe-verdict.pt");
    /** Never returns: the probe stays up until it is stopped. */
    static final Path SPINS = Path.of("src/test/resources/torchscript/spins.pt");
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

    @Test
    void aModuleThatPrintsTheVerdictMarkerCannotPassTheProbe() {
        FieldError problem = IsolatedProbe.check(PRINTS_VERDICT, List.of(1, 16, 16), 16, List.of(), DATA, Duration.ofMinutes(2));
        assertThat(problem).as("the module printed graft-probe-ok but returns 8 values").isNotNull();
        assertThat(problem.location()).isEqualTo("descriptor.embedding_size");
    }

    @Test
    void theProbeProcessInheritsNoSecretsFromTheApiProcess() throws Exception {
        assertThat(System.getenv()).as("this JVM's environment, which the probe must not inherit").containsKey(TestDatabase.URL_VARIABLE);
        CompletableFuture<FieldError> verdict = CompletableFuture.supplyAsync(
                () -> IsolatedProbe.check(SPINS, List.of(1, 16, 16), 16, List.of(), DATA, Duration.ofMinutes(2)));
        ProcessHandle probe = Await.until("the probe process", Duration.ofMinutes(1), IsolatedProbeTest::probeProcess, p -> p != null);

        String environment = Files.readString(Path.of("/proc", Long.toString(probe.pid()), "environ"));
        List<String> names = Arrays.stream(environment.split("\0")).filter(v -> !v.isEmpty()).map(v -> v.split("=", 2)[0]).toList();
        String commandLine = commandLine(probe);
        probe.destroyForcibly();

        assertThat(names).noneMatch(n -> n.startsWith("GRAFT_") || n.startsWith("SPRING_") || n.startsWith("JAVA_TOOL"));
        assertThat(commandLine).doesNotContain("jdbc:", "password", "datasource", "admin-key");
        FieldError problem = verdict.get(1, TimeUnit.MINUTES);
        assertThat(problem.location()).isEqualTo("file");
        assertThat(problem.message()).contains("ended the probe process");
    }

    private static ProcessHandle probeProcess() {
        return ProcessHandle.current().descendants()
                .filter(p -> commandLine(p).contains("TorchScriptProbeProcess")).findFirst().orElse(null);
    }

    /** Read from /proc: ProcessHandle.Info cuts long command lines (a test classpath) short. */
    private static String commandLine(ProcessHandle process) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(process.pid()), "cmdline")).replace('\0', ' ');
        }
        catch (java.io.IOException e) {
            return "";
        }
    }
}

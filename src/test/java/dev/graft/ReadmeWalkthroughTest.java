package dev.graft;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.graft.support.GraftServerTest;
import dev.graft.support.RawHttp;
import dev.graft.support.TestDatabase;

/**
 * README.md's walkthrough, run as written: its marked shell blocks, in order, in one bash against
 * this server (the real HTTP API, a real worker process, the test PostgreSQL). Every command must
 * succeed (curl is told to fail on an HTTP error), and every output the README shows must use only
 * fields the real response has, all of them where it shows the whole response. So a command or a
 * field changed in the code but not in the README fails here.
 */
@GraftServerTest
// The worker child process would otherwise live on in the context cache and claim other classes' jobs.
@DirtiesContext
@TestPropertySource(properties = {"graft.mode=all", "graft.worker.processes=1", "graft.worker.jvm-options=-Xmx1g"})
class ReadmeWalkthroughTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String STEP = "@@@walkthrough-step ";
    private static final Pattern BYTES = Pattern.compile("\"bytes\":(\\d+)");

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;

    @Test
    void theReadmeWalkthroughRunsAsWrittenAndShowsTheRealFields() throws Exception {
        TestDatabase.cancelLeftoverJobs(jdbc);
        Walkthrough walkthrough = Walkthrough.parse(Files.readAllLines(Path.of("README.md")));
        assertThat(walkthrough.steps()).as("walkthrough steps in README.md").hasSizeGreaterThan(10);
        Path work = Files.createDirectories(Path.of("target", "readme-walkthrough", String.valueOf(System.nanoTime())));
        // The walkthrough runs at the root of a clone: scripts/ and a test fixture in src/ are all it reads from there.
        Files.createSymbolicLink(work.resolve("scripts"), Path.of("scripts").toAbsolutePath());
        Files.createSymbolicLink(work.resolve("src"), Path.of("src").toAbsolutePath());
        Path script = work.resolve("walkthrough.sh");
        Files.writeString(script, script(walkthrough));

        Process bash = new ProcessBuilder("bash", script.getFileName().toString()).directory(work.toFile())
                .redirectError(work.resolve("stderr.txt").toFile()).start();
        String stdout = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(bash.waitFor(10, TimeUnit.MINUTES)).isTrue();
        Files.writeString(work.resolve("stdout.txt"), stdout);
        Map<Integer, String> outputs = outputs(stdout);
        int reached = outputs.keySet().stream().mapToInt(Integer::intValue).max().orElse(-1);
        assertThat(bash.exitValue()).as("exit status of the walkthrough; it stopped in the step at README.md line %d:%n%s%n"
                + "stdout: %s%nstderr: %s", reached < 0 ? 0 : walkthrough.steps().get(reached).line(),
                reached < 0 ? "" : String.join("\n", walkthrough.steps().get(reached).commands()),
                outputs.getOrDefault(reached, ""), Files.readString(work.resolve("stderr.txt"))).isZero();

        for (int i = 0; i < walkthrough.steps().size(); i++) {
            Walkthrough.Step step = walkthrough.steps().get(i);
            if (step.shown() != null) {
                check(step, outputs.getOrDefault(i, ""));
            }
        }
    }

    @Test
    void anIdPlaceholderPastedIntoAUrlGetsAProblem() {
        for (String target : List.of("/v1/datasets/ds_…", "/v1/models/ft:arch-mlp:points:…", "/v1/fine_tuning/jobs/ftjob_…",
                "/v1/datasets/ds_%E2%80%A6", "/v1/fine_tuning/jobs/<id>")) {
            RawHttp.Response response = RawHttp.send(port, "GET", target, null);

            assertThat(response.status()).as(target).isBetween(400, 404);
            assertThat(response.header("Content-Type")).as(target + ": " + response).startsWith("application/problem+json");
            assertThat(response.json().get("request_id").asString()).startsWith("req_");
        }
    }

    /** One bash script: curl fails on an HTTP error, each step announces itself on stdout. */
    private String script(Walkthrough walkthrough) {
        StringBuilder script = new StringBuilder("""
                set -eo pipefail
                curl() { command curl --fail-with-body "$@"; }
                """);
        for (int i = 0; i < walkthrough.steps().size(); i++) {
            script.append("printf '\\n").append(STEP).append(i).append("\\n'\n");
            for (String line : walkthrough.steps().get(i).commands()) {
                script.append(line.replace("localhost:8080", "127.0.0.1:" + port)).append('\n');
            }
        }
        return script.toString();
    }

    private static Map<Integer, String> outputs(String stdout) {
        Map<Integer, String> outputs = new HashMap<>();
        String[] parts = stdout.split("\n" + STEP);
        for (int p = 1; p < parts.length; p++) {
            int newline = parts[p].indexOf('\n');
            int step = Integer.parseInt((newline < 0 ? parts[p] : parts[p].substring(0, newline)).trim());
            outputs.put(step, newline < 0 ? "" : parts[p].substring(newline + 1).trim());
        }
        return outputs;
    }

    private static void check(Walkthrough.Step step, String output) {
        List<String> commands = step.commands().stream().filter(c -> !c.startsWith("#")).toList();
        String where = "README.md line " + step.line() + " (the output of " + commands.get(commands.size() - 1).trim() + ")";
        if (!step.showsJson()) {
            String header = step.shown().lines().findFirst().orElseThrow();
            assertThat(output.lines().findFirst().orElse("")).as(where + ": the first line printed").isEqualTo(header);
            return;
        }
        JsonNode actual;
        try {
            actual = JSON.readTree(output);
        }
        catch (RuntimeException e) {
            throw new AssertionError(where + ": printed no single JSON document:\n" + output, e);
        }
        Set<String> real = new LinkedHashSet<>();
        collectFields(actual, real);
        Set<String> shown = step.shownFields();
        Set<String> missing = new LinkedHashSet<>(shown);
        missing.removeAll(real);
        assertThat(missing).as(where + ": fields the README shows that the response lacks; response:\n" + output).isEmpty();
        // Sizes are the one figure the README gives exactly: the files the walkthrough makes are deterministic.
        Matcher bytes = BYTES.matcher(step.shown());
        if (bytes.find()) {
            assertThat(actual.get("bytes").asLong()).as(where + ": bytes").isEqualTo(Long.parseLong(bytes.group(1)));
        }
        if (step.shownInFull()) {
            assertThat(shown).as(where + ": the README shows the whole response, so every field; response:\n" + output)
                    .containsExactlyInAnyOrderElementsOf(real);
        }
    }

    private static void collectFields(JsonNode node, Set<String> into) {
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : new ArrayList<>(node.properties())) {
                into.add(field.getKey());
                collectFields(field.getValue(), into);
            }
        }
        else if (node.isArray()) {
            for (Iterator<JsonNode> it = node.iterator(); it.hasNext();) {
                collectFields(it.next(), into);
            }
        }
    }
}

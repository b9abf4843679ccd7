package dev.graft.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * What a job left in the artifact store, judged against what the database says it owns: the
 * registered model's directory and the recorded checkpoints. Anything else under the job's
 * directories (an unfinished attempt's model directory, a temporary directory of a write cut short,
 * an unrecorded checkpoint) or in the store's staging area is an orphan.
 */
public final class JobArtifacts {

    private JobArtifacts() {
    }

    /**
     * Waits until the job has left no orphans. The worker sweeps a job's leftovers just after the
     * transition that ends the job, so a test sees the end slightly before the sweep: check while
     * that worker still runs (killing it mid-sweep would leave the rest behind).
     */
    public static void awaitNone(JdbcClient jdbc, Path storeRoot, String jobId) {
        Await.until("job " + jobId + " to leave no orphaned files", Duration.ofSeconds(30),
                () -> orphans(jdbc, storeRoot, jobId), List::isEmpty);
    }

    /** Store-relative paths of the orphans; empty when the job left only what it owns. */
    public static List<String> orphans(JdbcClient jdbc, Path storeRoot, String jobId) {
        List<String> owned = new ArrayList<>();
        owned.addAll(jdbc.sql("SELECT artifact FROM fine_tuned_models WHERE job_id = :id").param("id", jobId)
                .query(String.class).list());
        owned.addAll(jdbc.sql("SELECT artifact FROM fine_tuning_job_checkpoints WHERE job_id = :id").param("id", jobId)
                .query(String.class).list());
        List<String> orphans = new ArrayList<>();
        for (String top : List.of("models/" + jobId, "jobs/" + jobId, ".staging")) {
            Path dir = storeRoot.resolve(top);
            if (!Files.exists(dir)) {
                continue;
            }
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.map(p -> storeRoot.relativize(p).toString().replace('\\', '/'))
                        .filter(p -> !p.equals(".staging") && !isOwned(p, owned))
                        .forEach(orphans::add);
            }
            catch (IOException | UncheckedIOException e) {
                // A sweep deleted a directory under the walk: not settled yet, so not empty either.
                orphans.add("(" + top + " changed while listed: " + e.getMessage() + ")");
            }
        }
        return orphans;
    }

    /** Inside an owned directory, or a directory on the way to one. */
    private static boolean isOwned(String path, List<String> owned) {
        return owned.stream().anyMatch(o -> path.equals(o) || path.startsWith(o + "/") || o.startsWith(path + "/"));
    }
}

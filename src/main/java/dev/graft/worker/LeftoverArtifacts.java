package dev.graft.worker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.graft.job.JobEventRepository;
import dev.graft.storage.ArtifactStore;

/**
 * Deletes the files a job's attempts left that nothing will ever read: the model directory of an
 * attempt that never finished, the temporary directory of a write that was cut short, a checkpoint
 * written but never recorded. A worker killed with SIGKILL cleans up nothing, so the worker that
 * ends the job does it: only then can no attempt resume from these files. The registered model and
 * the recorded checkpoints are kept.
 *
 * <p>Works on the local directories the store hands out for trees of files, as the training engine
 * writes them; temporary names ({@code .tmp-…}) are not valid artifact keys, so the store's own
 * key-based delete cannot reach them.
 */
final class LeftoverArtifacts {

    private static final Logger log = LoggerFactory.getLogger(LeftoverArtifacts.class);

    private final ArtifactStore store;
    private final JobEventRepository events;

    LeftoverArtifacts(ArtifactStore store, JobEventRepository events) {
        this.store = store;
        this.events = events;
    }

    /** Best effort: a failed sweep leaves garbage, never a wrong job state. */
    void sweep(String jobId, String modelPrefix) {
        try {
            Set<String> keep = new HashSet<>();
            events.checkpoints(jobId).forEach(c -> keep.add(c.artifact()));
            if (modelPrefix != null) {
                keep.add(modelPrefix);
            }
            for (String prefix : List.of(TrainingJobExecutor.modelsOf(jobId), TrainingJobExecutor.checkpointsOf(jobId))) {
                if (!sweep(store.directory(prefix), prefix, keep)) {
                    Files.deleteIfExists(store.directory(prefix));
                }
            }
        }
        catch (IOException | RuntimeException e) {
            log.warn("Could not delete the leftover files of job {}: {}", jobId, e.toString());
        }
    }

    /** Deletes what under {@code dir} is neither kept nor on the way to something kept; true if something was kept. */
    private static boolean sweep(Path dir, String key, Set<String> keep) throws IOException {
        boolean kept = false;
        List<Path> entries;
        try (Stream<Path> list = Files.list(dir)) {
            entries = list.toList();
        }
        for (Path entry : entries) {
            String child = key + "/" + entry.getFileName();
            if (keep.contains(child)) {
                kept = true;
            }
            else if (Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS) && leadsToKept(child, keep)) {
                if (sweep(entry, child, keep)) {
                    kept = true;
                }
                else {
                    Files.delete(entry);
                }
            }
            else {
                log.info("Deleting leftover {}", child);
                deleteTree(entry);
            }
        }
        return kept;
    }

    private static boolean leadsToKept(String key, Set<String> keep) {
        return keep.stream().anyMatch(k -> k.startsWith(key + "/"));
    }

    private static void deleteTree(Path path) throws IOException {
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}

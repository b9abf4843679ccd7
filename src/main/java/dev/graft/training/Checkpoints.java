package dev.graft.training;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * One directory per finished epoch ({@code epoch-0003}), written under a temporary name and
 * renamed into place, so a crash leaves either the whole checkpoint or none of it. Only the two
 * newest are kept.
 *
 * <p>A checkpoint holds the whole network's weights, the best weights so far, the optimiser's
 * moments and step counts, and {@link State}. No RNG state is stored because none is needed:
 * shuffling and augmentation draw from {@code java.util.Random} seeded by (seed, epoch), and no
 * layer draws random numbers while training (no dropout), so a resumed run replays exactly.
 */
final class Checkpoints {

    static final String MODEL = "model.params";
    static final String BEST = "best.params";
    static final String OPTIMIZER = "optimizer.bin";
    static final String STATE = "state.json";
    private static final int KEEP = 2;

    /** Loop position and best-so-far, as JSON. */
    record State(int formatVersion, int epochsDone, long globalStep, long seed,
            Strategy strategy, int bestEpoch, double bestLoss, int epochsWithoutImprovement,
            List<EpochStats> history, Double smoothedLoss) {
    }

    record Loaded(State state, byte[] model, byte[] best, byte[] optimizer) {
    }

    private final Path root;

    Checkpoints(Path root) {
        this.root = root;
    }

    void save(State state, byte[] model, byte[] best, byte[] optimizer) {
        try {
            Files.createDirectories(root);
            String name = TrainingRequest.checkpointName(state.epochsDone());
            Path tmp = Files.createTempDirectory(root, ".tmp-" + name + "-");
            Files.write(tmp.resolve(MODEL), model);
            Files.write(tmp.resolve(BEST), best);
            Files.write(tmp.resolve(OPTIMIZER), optimizer);
            Json.write(tmp.resolve(STATE), state);
            Path target = root.resolve(name);
            if (Files.exists(target)) {
                deleteTree(target);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            List<Path> all = epochDirectories(root);
            for (int i = 0; i < all.size() - KEEP; i++) {
                deleteTree(all.get(i));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write checkpoint under " + root, e);
        }
    }

    /**
     * Loads a checkpoint: {@code path} is one epoch directory, or a checkpoint root whose newest
     * epoch directory is used.
     */
    static Loaded load(Path path) {
        try {
            Path dir = path;
            if (!Files.exists(path.resolve(STATE))) {
                List<Path> all = epochDirectories(path);
                if (all.isEmpty()) {
                    throw new IllegalArgumentException("No checkpoint under " + path);
                }
                dir = all.get(all.size() - 1);
            }
            return new Loaded(Json.read(dir.resolve(STATE), State.class),
                    Files.readAllBytes(dir.resolve(MODEL)), Files.readAllBytes(dir.resolve(BEST)),
                    Files.readAllBytes(dir.resolve(OPTIMIZER)));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read checkpoint " + path, e);
        }
    }

    static List<Path> epochDirectories(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(root)) {
            return s.filter(p -> p.getFileName().toString().startsWith("epoch-")).sorted().toList();
        }
    }

    static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}

package dev.graft.training;

import dev.graft.basemodel.ArchitectureSpec;
import dev.graft.basemodel.Architectures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The fixed synthetic data of the training benchmark, and its export for the PyTorch reference:
 * the training split as Graft's own {@link Preprocessor} encodes it, so both sides train on the
 * same floats.
 */
final class BenchmarkData {

    static final int CLASSES = 10;
    static final List<Integer> IMAGE_SHAPE = List.of(1, 28, 28);
    static final int TABULAR_FEATURES = 32;
    static final String IMAGES = "images";
    static final String TABULAR = "tabular";

    private BenchmarkData() {
    }

    /** 1000 grayscale 28x28 stripe images, 10 angles; no validation split (not timed). */
    static TrainingData images() {
        double[] angles = new double[CLASSES];
        for (int c = 0; c < CLASSES; c++) {
            angles[c] = c * 180.0 / CLASSES;
        }
        return SyntheticTasks.stripes(angles, IMAGE_SHAPE.get(1), 100, 0, 0.25, 11);
    }

    /** 2000 rows of 32 features, 10 Gaussian blobs. */
    static TrainingData tabular() {
        return SyntheticTasks.blobs(CLASSES, 200, 0, TABULAR_FEATURES, 13);
    }

    static String dataFor(String arch) {
        return Architectures.MLP.equals(arch) ? TABULAR : IMAGES;
    }

    static List<Integer> shapeFor(String arch) {
        return Architectures.MLP.equals(arch) ? List.of(TABULAR_FEATURES) : IMAGE_SHAPE;
    }

    /** Writes {@code name.json}, {@code name.x.f32} and {@code name.y.i64} (little-endian). */
    static void export(Path directory, String name, String arch, TrainingData data) {
        List<Integer> shape = shapeFor(arch);
        ArchitectureSpec spec = Architectures.spec(arch, shape, 0);
        List<Input> inputs = data.train().stream().map(Example::input).toList();
        Preprocessor preprocessor = new Preprocessor(Preprocessor.fit(spec, inputs));
        int n = inputs.size();
        int width = shape.stream().reduce(1, (a, b) -> a * b);
        ByteBuffer x = ByteBuffer.allocate(n * width * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer y = ByteBuffer.allocate(n * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (Example e : data.train()) {
            for (float v : preprocessor.floats(e.input())) {
                x.putFloat(v);
            }
            y.putLong(e.label());
        }
        try {
            Files.createDirectories(directory);
            Files.write(directory.resolve(name + ".x.f32"), x.array());
            Files.write(directory.resolve(name + ".y.i64"), y.array());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Json.write(directory.resolve(name + ".json"),
                Map.of("n", n, "shape", shape, "classes", data.labels().size()));
    }
}

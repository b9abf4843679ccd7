package dev.graft.training;

import dev.graft.basemodel.Modality;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Small generated classification tasks whose answers are known. */
final class SyntheticTasks {

    static final Path DATA = Path.of("target/graft-test-data");

    private SyntheticTasks() {
    }

    static void startEngine() {
        Engines.ensureStarted(DATA, 2);
    }

    /** Gaussian blobs: class c centred at a random point in [-3,3]^features, unit noise. */
    static TrainingData blobs(int classes, int trainPerClass, int validationPerClass,
            int features, long seed) {
        Random random = new Random(seed);
        float[][] centres = new float[classes][features];
        for (float[] c : centres) {
            for (int i = 0; i < features; i++) {
                c[i] = (float) (random.nextDouble() * 6 - 3);
            }
        }
        return split(Modality.TABULAR, classes, trainPerClass, validationPerClass, random,
                (c, r) -> {
                    float[] x = new float[features];
                    for (int i = 0; i < features; i++) {
                        x[i] = centres[c][i] + (float) r.nextGaussian();
                    }
                    return new Input.Tabular(x);
                });
    }

    /**
     * Grayscale stripe images: class c has stripes at angle {@code angles[c]} degrees, with a
     * random phase, a slightly random frequency and pixel noise.
     */
    static TrainingData stripes(double[] angles, int size, int trainPerClass,
            int validationPerClass, double noise, long seed) {
        Random random = new Random(seed);
        return split(Modality.IMAGE, angles.length, trainPerClass, validationPerClass, random,
                (c, r) -> new Input.Image(stripeImage(angles[c], size, noise, r)));
    }

    static BufferedImage stripeImage(double angleDegrees, int size, double noise, Random r) {
        double theta = Math.toRadians(angleDegrees);
        double frequency = 2 * Math.PI / (4 + r.nextDouble() * 1.5);
        double phase = r.nextDouble() * 2 * Math.PI;
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                double u = x * Math.cos(theta) + y * Math.sin(theta);
                double v = 0.5 + 0.4 * Math.sin(frequency * u + phase) + noise * r.nextGaussian();
                int g = (int) Math.round(255 * Math.max(0, Math.min(1, v)));
                image.getRaster().setSample(x, y, 0, g);
            }
        }
        return image;
    }

    /** Short texts: each class has its own keywords among shared filler words. */
    static TrainingData keywords(int trainPerClass, int validationPerClass, long seed) {
        String[][] keywords = {
                {"goal", "match", "team", "score"},
                {"oven", "recipe", "flour", "bake"},
                {"code", "compiler", "server", "bug"}};
        String[] filler = {"the", "a", "today", "really", "was", "and", "we", "it", "very", "new"};
        Random random = new Random(seed);
        return split(Modality.TEXT, keywords.length, trainPerClass, validationPerClass, random,
                (c, r) -> {
                    StringBuilder text = new StringBuilder();
                    for (int i = 0; i < 8; i++) {
                        String[] pool = r.nextInt(3) == 0 ? keywords[c] : filler;
                        text.append(pool[r.nextInt(pool.length)]).append(i == 3 ? ", " : " ");
                    }
                    return new Input.Text(text.toString().toUpperCase());
                });
    }

    interface Generator {
        Input make(int label, Random random);
    }

    private static TrainingData split(Modality modality, int classes, int trainPerClass,
            int validationPerClass, Random random, Generator generator) {
        List<String> labels = new ArrayList<>();
        List<Example> train = new ArrayList<>();
        List<Example> validation = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            labels.add("class-" + c);
        }
        for (int i = 0; i < trainPerClass; i++) {
            for (int c = 0; c < classes; c++) {
                train.add(new Example(generator.make(c, random), c));
            }
        }
        for (int i = 0; i < validationPerClass; i++) {
            for (int c = 0; c < classes; c++) {
                validation.add(new Example(generator.make(c, random), c));
            }
        }
        return new TrainingData(modality, labels, train, validation);
    }
}

package dev.graft.basemodel;

import dev.graft.training.Example;
import dev.graft.training.Input;
import dev.graft.training.ModelArtifact;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

/** MNIST digit ranges as Graft classification tasks: "digits 0-4", "digits 5-9". */
public final class MnistTasks {

    static final List<Integer> INPUT_SHAPE = List.of(1, 28, 28);
    static final int SOURCE_FIRST = 0;
    public static final int TARGET_FIRST = 5;
    static final int CLASSES = 5;
    private static final int EVALUATION_BATCH = 256;

    private MnistTasks() {
    }

    static boolean isSource(int digit) {
        return digit >= SOURCE_FIRST && digit < SOURCE_FIRST + CLASSES;
    }

    static boolean isTarget(int digit) {
        return digit >= TARGET_FIRST && digit < TARGET_FIRST + CLASSES;
    }

    /** Class names of the task starting at {@code firstDigit}: the digits themselves. */
    public static List<String> labels(int firstDigit) {
        return IntStream.range(firstDigit, firstDigit + CLASSES).mapToObj(String::valueOf).toList();
    }

    /** Every digit as an example whose class index is {@code digit - firstDigit}. */
    public static List<Example> examples(MnistDigits digits, int firstDigit) {
        List<Example> out = new ArrayList<>(digits.size());
        for (int i = 0; i < digits.size(); i++) {
            out.add(new Example(new Input.Image(digits.image(i)), digits.label(i) - firstDigit));
        }
        return out;
    }

    /** {@code perClass} random digits of each label present, grouped by label in order. */
    static MnistDigits sample(MnistDigits digits, int perClass, long seed) {
        List<Integer> order = new ArrayList<>(IntStream.range(0, digits.size()).boxed().toList());
        Collections.shuffle(order, new Random(seed));
        int[] taken = new int[10];
        List<Integer> chosen = new ArrayList<>();
        for (int i : order) {
            if (taken[digits.label(i)]++ < perClass) {
                chosen.add(i);
            }
        }
        chosen.sort((a, b) -> digits.label(a) != digits.label(b)
                ? Integer.compare(digits.label(a), digits.label(b)) : Integer.compare(a, b));
        return digits.select(chosen.stream().mapToInt(Integer::intValue).toArray());
    }

    /** Share of examples whose most probable class is their label; predicts in batches. */
    public static float accuracy(ModelArtifact model, List<Example> examples) {
        int correct = 0;
        for (int start = 0; start < examples.size(); start += EVALUATION_BATCH) {
            List<Example> batch = examples.subList(start,
                    Math.min(examples.size(), start + EVALUATION_BATCH));
            List<float[]> probabilities = model.predict(batch.stream().map(Example::input).toList());
            for (int i = 0; i < batch.size(); i++) {
                if (argMax(probabilities.get(i)) == batch.get(i).label()) {
                    correct++;
                }
            }
        }
        return (float) correct / examples.size();
    }

    private static int argMax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }
}

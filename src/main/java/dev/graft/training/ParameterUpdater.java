package dev.graft.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.graft.training.Hyperparameters.OptimizerKind;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Adam (with AdamW's decoupled weight decay) or SGD with momentum, written here instead of using DJL's {@code Optimizer} for two
 * reasons: DJL's optimisers have no parameter groups (a backbone at a tenth of the head's rate
 * needs one rate per parameter), and their moment estimates live in private maps, so they could
 * not be checkpointed and a resumed run would restart Adam from zero moments. Here every
 * parameter carries its own rate and the state is saved by parameter path.
 */
final class ParameterUpdater implements AutoCloseable {

    private static final float BETA1 = 0.9f;
    private static final float BETA2 = 0.999f;
    private static final float EPSILON = 1e-8f;
    private static final float MOMENTUM = 0.9f;

    private final OptimizerKind kind;
    private final float weightDecay;
    private final NDManager stateManager;
    private final Map<String, NDArray> first = new TreeMap<>();
    private final Map<String, NDArray> second = new TreeMap<>();
    private final Map<String, Integer> steps = new TreeMap<>();

    ParameterUpdater(OptimizerKind kind, NDManager modelManager) {
        this(kind, 0, modelManager);
    }

    /** @param weightDecay AdamW's decoupled decay, scaled by each parameter's current rate */
    ParameterUpdater(OptimizerKind kind, float weightDecay, NDManager modelManager) {
        this.kind = kind;
        this.weightDecay = weightDecay;
        this.stateManager = modelManager.newSubManager();
    }

    /**
     * Applies one update from the gradients of the last backward pass, then zeroes them: DJL's
     * PyTorch gradient collector no longer zeroes gradients itself (its zeroGradients is
     * disabled), so without this they would accumulate across steps.
     *
     * @param scope the step's sub-manager; every temporary lands there
     * @param rateFactor the schedule's factor for this step (1 for a constant rate)
     */
    void step(List<TrainableParameter> parameters, NDManager scope, float rateFactor) {
        for (TrainableParameter tp : parameters) {
            float lr = tp.learningRate() * rateFactor;
            NDArray weight = tp.parameter().getArray();
            NDArray grad = weight.getGradient();
            // getGradient() wraps the gradient in a new array on the parameter's manager.
            grad.attach(scope);
            int t = steps.merge(tp.name(), 1, Integer::sum);
            NDArray m = first.computeIfAbsent(tp.name(), k -> state(weight));
            m.tempAttach(scope);
            if (kind == OptimizerKind.ADAM) {
                NDArray v = second.computeIfAbsent(tp.name(), k -> state(weight));
                v.tempAttach(scope);
                m.muli(BETA1).addi(grad.mul(1 - BETA1));
                v.muli(BETA2).addi(grad.square().muli(1 - BETA2));
                double correction = Math.sqrt(1 - Math.pow(BETA2, t)) / (1 - Math.pow(BETA1, t));
                float rate = (float) (lr * correction);
                if (weightDecay > 0 && tp.decays()) {
                    // Decoupled (Loshchilov & Hutter): shrink the weight itself, not the gradient.
                    weight.muli(1 - lr * weightDecay);
                }
                weight.subi(m.div(v.sqrt().addi(EPSILON)).muli(rate));
            } else {
                m.muli(MOMENTUM).addi(grad);
                weight.subi(m.mul(lr));
            }
            grad.subi(grad);
        }
    }

    private NDArray state(NDArray weight) {
        NDArray zeros = stateManager.zeros(weight.getShape(), weight.getDataType());
        return zeros;
    }

    byte[] saveState() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeUTF(kind.name());
            out.writeInt(steps.size());
            for (Map.Entry<String, Integer> e : steps.entrySet()) {
                out.writeUTF(e.getKey());
                out.writeInt(e.getValue());
                writeArray(out, first.get(e.getKey()));
                writeArray(out, second.get(e.getKey()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    void loadState(byte[] saved) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(saved))) {
            if (!kind.name().equals(in.readUTF())) {
                throw new IllegalArgumentException("Checkpoint was written by another optimiser");
            }
            int n = in.readInt();
            for (int i = 0; i < n; i++) {
                String name = in.readUTF();
                steps.put(name, in.readInt());
                readArray(in, first, name);
                readArray(in, second, name);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writeArray(DataOutputStream out, NDArray array) throws IOException {
        byte[] encoded = array == null ? new byte[0] : array.encode();
        out.writeInt(encoded.length);
        out.write(encoded);
    }

    private void readArray(DataInputStream in, Map<String, NDArray> into, String name)
            throws IOException {
        byte[] encoded = in.readNBytes(in.readInt());
        if (encoded.length > 0) {
            into.put(name, stateManager.decode(encoded));
        }
    }

    @Override
    public void close() {
        stateManager.close();
    }
}

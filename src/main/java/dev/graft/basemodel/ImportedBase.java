package dev.graft.basemodel;

import java.time.Instant;
import java.util.List;

/**
 * A base model imported as a TorchScript file or a Graft artifact: what its descriptor promised
 * and the import checked.
 *
 * @param inputShape one example's {@code [channels, height, width]}
 * @param mean per-channel mean subtracted after scaling pixels to [0,1]
 * @param std per-channel standard deviation divided by after that
 * @param outputKind {@code embeddings} or {@code logits}
 * @param embeddingSize values per example the module returns (the new head's input)
 * @param tenantId the tenant that imported it: only it sees and uses it
 * @param format {@code torchscript} or {@code graft}
 * @param artifact the artifact store key of the module file, or of the Graft artifact's directory
 */
public record ImportedBase(String id, String tenantId, String name, String format, String modality, List<Integer> inputShape,
        float[] mean, float[] std, String outputKind, int embeddingSize, String artifact, long bytes, String sha256,
        Instant createdAt) {

    /** What an imported TorchScript module supports: DJL cannot freeze part of a symbol block. */
    public static final List<String> STRATEGIES = List.of("feature_extraction", "full");

    public static final String TORCHSCRIPT = "torchscript";
    /** A Graft artifact: its backbone is a Graft architecture, so every strategy works. */
    public static final String GRAFT = "graft";

    public List<String> strategies() {
        return GRAFT.equals(format) ? BaseModelCatalog.ALL_STRATEGIES : STRATEGIES;
    }

    /**
     * The store prefix of one import attempt's files, {@code imports/<id>.<attempt>}: its own, so a
     * concurrent import of the same id cannot touch them, and a sibling rather than a child of
     * other attempts, so removing it leaves no empty folder behind.
     */
    static String attemptPrefix(String id, String attempt) {
        return "imports/" + id + "." + attempt;
    }

    /** The store prefix of an imported Graft artifact's directory. */
    static String graftDirectoryKey(String attemptPrefix) {
        return attemptPrefix + "/graft";
    }

    /** The store key of an imported model's module file. */
    static String moduleKey(String attemptPrefix) {
        return attemptPrefix + "/module.pt";
    }

    /**
     * The prefix holding everything of the import whose artifact is at {@code artifact}: its
     * attempt's folder ({@code imports/<id>} for imports made before attempts had their own).
     */
    static String filesPrefix(String artifact) {
        return artifact.substring(0, artifact.lastIndexOf('/'));
    }
}

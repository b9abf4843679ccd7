package dev.graft.basemodel;

import java.util.List;

/**
 * Everything needed to rebuild a backbone block: stored in {@code graft-model.json} so that an
 * artifact can be loaded without a database.
 *
 * @param id architecture id ({@code arch-mlp}, {@code arch-cnn-small}, ...)
 * @param modality the input kind
 * @param inputShape one example's shape: {@code [channels, height, width]} for images,
 *     {@code [features]} for tables, {@code [maxTokens]} for text
 * @param widths hidden sizes (MLP), channels per block or stage (CNN, ResNet), projection size
 *     (embedding bag)
 * @param blocksPerStage residual blocks per stage (ResNet only, else 0)
 * @param vocabularySize embedding rows (text only, else 0)
 * @param embeddingDim token embedding size (text only, else 0)
 * @param embeddingSize size of the backbone's output vector, the head's input
 */
public record ArchitectureSpec(String id, Modality modality, List<Integer> inputShape,
        List<Integer> widths, int blocksPerStage, int vocabularySize, int embeddingDim,
        int embeddingSize) {

    public ArchitectureSpec {
        inputShape = List.copyOf(inputShape);
        widths = List.copyOf(widths);
    }

    /** Image channels (1 or 3); 0 for other modalities. */
    public int channels() {
        return modality == Modality.IMAGE ? inputShape.get(0) : 0;
    }

    public ArchitectureSpec withInputShape(List<Integer> shape) {
        return new ArchitectureSpec(id, modality, shape, widths, blocksPerStage, vocabularySize,
                embeddingDim, embeddingSize);
    }

    public ArchitectureSpec withVocabularySize(int size) {
        return new ArchitectureSpec(id, modality, inputShape, widths, blocksPerStage, size,
                embeddingDim, embeddingSize);
    }
}

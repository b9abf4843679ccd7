package dev.graft.basemodel;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.graft.training.Engines;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ArchitectureBoundsTest {

    private static final List<ArchitectureSpec> GRAFTS_OWN = List.of(
            Architectures.spec(Architectures.MLP, List.of(5), 0),
            // auto's linear model for tables: an MLP without hidden layers (a model it chose once failed to load)
            new ArchitectureSpec(Architectures.MLP, Modality.TABULAR, List.of(5), List.of(), 0, 0, 0, 5),
            Architectures.spec(Architectures.CNN_SMALL, List.of(1, 28, 28), 0),
            Architectures.spec(Architectures.RESNET20, List.of(3, 32, 32), 0),
            Architectures.spec(Architectures.RESNET18, List.of(3, 64, 64), 0),
            Architectures.spec(Architectures.EMBEDDING_BAG, List.of(64), 5000),
            Architectures.spec(Architectures.SENTENCE_ENCODER, List.of(OnnxSentenceEncoder.EMBEDDING_SIZE), 0),
            Architectures.spec(Architectures.MOBILENET_V2, List.of(3, 224, 224), 0));

    @BeforeAll
    static void startEngine() {
        Engines.ensureStarted(Path.of("target/graft-test-data"), 2);
    }

    @Test
    void countsParametersExactlyAsTheBuiltNetworkHasThem() {
        for (ArchitectureSpec spec : GRAFTS_OWN) {
            try (NDManager manager = NDManager.newBaseManager()) {
                ClassifierNet net = Architectures.newClassifier(spec, 7);
                net.initialize(manager, DataType.FLOAT32, Architectures.batchShape(spec, 1));
                long built = 0;
                for (Pair<String, Parameter> p : net.getParameters()) {
                    built += p.getValue().getArray().getShape().size();
                }
                assertThat(ArchitectureBounds.parameters(spec, 7)).as(spec.id()).isEqualTo(built);
            }
        }
    }

    @Test
    void acceptsEveryArchitectureGraftBuildsItself() {
        for (ArchitectureSpec spec : GRAFTS_OWN) {
            assertThat(ArchitectureBounds.problems(spec, 10)).as(spec.id()).isEmpty();
        }
    }

    @Test
    void namesEachFieldOutOfBounds() {
        ArchitectureSpec deep = new ArchitectureSpec(Architectures.RESNET20, Modality.IMAGE, List.of(2, 64, 64),
                List.of(16, 32, 64), 40, 7, 3, 32);

        assertThat(ArchitectureBounds.problems(deep, 1)).containsExactly(
                "labels: must hold 2 to 100000 classes, holds 1",
                "architecture.inputShape: must be [channels, height, width] with 1 or 3 channels and sides of 1 to 1024",
                "architecture.blocksPerStage: must be 1 to 16 for arch-resnet20",
                "architecture.vocabularySize: must be 0 for arch-resnet20",
                "architecture.embeddingDim: must be 0 for arch-resnet20",
                "architecture.embeddingSize: must be 64 (what arch-resnet20 with these widths returns), not 32");
    }

    @Test
    void refusesANetworkOfTooManyParametersBeforeItIsBuilt() {
        ArchitectureSpec wide = new ArchitectureSpec(Architectures.EMBEDDING_BAG, Modality.TEXT, List.of(64), List.of(64),
                0, 1_000_000, 1024, 64);

        assertThat(ArchitectureBounds.problems(wide, 2)).containsExactly(
                "architecture: the network would have 1024065730 parameters; at most 30000000 are built");
    }
}

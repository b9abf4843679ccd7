package dev.graft.basemodel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.graft.training.Engines;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ArchitecturesTest {

    @BeforeAll
    static void startEngine() {
        Engines.ensureStarted(Path.of("target/graft-test-data"), 2);
    }

    @Test
    void everyArchitectureMapsABatchToLogitsThroughAnEmbeddingOfTheDeclaredSize() {
        List<ArchitectureSpec> specs = List.of(
                Architectures.spec(Architectures.MLP, List.of(5), 0),
                Architectures.spec(Architectures.CNN_SMALL, List.of(1, 16, 16), 0),
                Architectures.spec(Architectures.RESNET20, List.of(3, 12, 12), 0),
                Architectures.spec(Architectures.RESNET18, List.of(3, 40, 40), 0),
                Architectures.spec(Architectures.EMBEDDING_BAG, List.of(7), 30));
        for (ArchitectureSpec spec : specs) {
            try (NDManager manager = NDManager.newBaseManager()) {
                ClassifierNet net = Architectures.newClassifier(spec, 4);
                net.initialize(manager, DataType.FLOAT32, Architectures.batchShape(spec, 1));
                NDArray input = spec.modality() == Modality.TEXT
                        ? manager.randomInteger(0, 30, Architectures.batchShape(spec, 2),
                                DataType.INT64)
                        : manager.randomUniform(0, 1, Architectures.batchShape(spec, 2));
                ParameterStore store = new ParameterStore(manager, false);
                NDArray embedding = net.backbone().forward(store, new NDList(input), false)
                        .singletonOrThrow();
                NDArray logits = net.forward(store, new NDList(input), false).singletonOrThrow();
                assertThat(embedding.getShape()).as(spec.id())
                        .isEqualTo(new Shape(2, spec.embeddingSize()));
                assertThat(logits.getShape()).as(spec.id()).isEqualTo(new Shape(2, 4));
            }
        }
    }

    @Test
    void resNet20HasAStemAndNineResidualUnits() {
        Backbone backbone = Architectures.newBackbone(
                Architectures.spec(Architectures.RESNET20, List.of(3, 32, 32), 0));
        assertThat(backbone.unitCount()).isEqualTo(10);
    }

    @Test
    void resNet18HasTheImageNetStemAndEightBasicBlocksEndingIn512Channels() {
        ArchitectureSpec spec = Architectures.spec(Architectures.RESNET18, List.of(3, 64, 64), 0);
        Backbone backbone = Architectures.newBackbone(spec);
        assertThat(backbone.unitCount()).isEqualTo(9);
        assertThat(spec.embeddingSize()).isEqualTo(512);
        assertThatThrownBy(() -> Architectures.spec(Architectures.RESNET18, List.of(3, 16, 16), 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void resNet20RejectsImagesLargerThan32Pixels() {
        assertThatThrownBy(() -> Architectures.spec(Architectures.RESNET20, List.of(3, 64, 64), 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void backboneAndHeadAreSeparateChildrenSoTheirParametersCanBeToldApart() {
        ArchitectureSpec spec = Architectures.spec(Architectures.MLP, List.of(3), 0);
        ClassifierNet net = Architectures.newClassifier(spec, 2);
        try (NDManager manager = NDManager.newBaseManager()) {
            net.initialize(manager, DataType.FLOAT32, Architectures.batchShape(spec, 1));
            assertThat(net.getChildren().keys()).containsExactly("01backbone", "02head");
            assertThat(net.head().getParameters().keys()).containsExactly("weight", "bias");
        }
    }
}

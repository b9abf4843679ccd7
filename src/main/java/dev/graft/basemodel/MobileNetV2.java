package dev.graft.basemodel;

import ai.djl.nn.Block;
import java.util.ArrayList;
import java.util.List;

/**
 * MobileNetV2 at width 1.0 (Sandler et al. 2018, table 2) as TensorFlow's object detection models
 * export it, BatchNorm folded into each convolution's weights and bias, so there is no BatchNorm
 * and every convolution has a bias. Units, bottom first: the stem, the 17 inverted residual
 * blocks and the final 1x1 convolution ({@code Conv_1}, 1280 channels), whose global average is
 * the embedding. "Unfreeze the top k layers" means the top k of these 19 units.
 */
final class MobileNetV2 {

    static final int EMBEDDING_SIZE = 1280;
    static final int STEM_WIDTH = 32;

    /** One row of the paper's table 2: expansion factor t, output channels c, repeats n, first stride s. */
    record Stage(int expansion, int channels, int repeats, int stride) {
    }

    static final List<Stage> STAGES = List.of(
            new Stage(1, 16, 1, 1), new Stage(6, 24, 2, 2), new Stage(6, 32, 3, 2), new Stage(6, 64, 4, 2),
            new Stage(6, 96, 3, 1), new Stage(6, 160, 3, 2), new Stage(6, 320, 1, 1));

    private MobileNetV2() {
    }

    /**
     * The backbone's parameter count (2,206,816), counted from the same table {@link #backbone()}
     * builds from, so the bounds on imported artifacts and the network cannot disagree.
     */
    static long parameters() {
        long total = 3L * 3 * 3 * STEM_WIDTH + STEM_WIDTH;
        long in = STEM_WIDTH;
        for (Stage stage : STAGES) {
            for (int i = 0; i < stage.repeats(); i++) {
                long hidden = in * stage.expansion();
                if (stage.expansion() != 1) {
                    total += in * hidden + hidden;
                }
                total += 9 * hidden + hidden + hidden * stage.channels() + stage.channels();
                in = stage.channels();
            }
        }
        return total + in * EMBEDDING_SIZE + EMBEDDING_SIZE;
    }

    static Backbone backbone() {
        List<Block> units = new ArrayList<>();
        units.add(new SamePaddedConv(STEM_WIDTH, 3, 2, 1, true));
        int in = STEM_WIDTH;
        for (Stage stage : STAGES) {
            for (int i = 0; i < stage.repeats(); i++) {
                units.add(new InvertedResidual(in, stage.channels(), stage.expansion(), i == 0 ? stage.stride() : 1));
                in = stage.channels();
            }
        }
        units.add(new SamePaddedConv(EMBEDDING_SIZE, 1, 1, 1, true));
        return new Backbone(units, true, EMBEDDING_SIZE);
    }
}

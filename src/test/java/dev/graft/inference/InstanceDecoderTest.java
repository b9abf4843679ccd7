package dev.graft.inference;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.nio.ByteOrder;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.graft.basemodel.Modality;
import dev.graft.image.PhotoFixtures;
import dev.graft.training.Input;
import dev.graft.training.ModelDescriptor;

class InstanceDecoderTest {

    private final ModelDescriptor imageModel = new ModelDescriptor(ModelDescriptor.FORMAT_VERSION, null,
            List.of("red", "blue"), Modality.IMAGE, null, null, null, null);

    @Test
    void predictionInputsAreTurnedUprightByTheirExifOrientation() {
        byte[] plain = PhotoFixtures.jpeg(PhotoFixtures.halves(40, 20, Color.RED, Color.BLUE));
        byte[] phone = PhotoFixtures.withExifOrientation(plain, 6, ByteOrder.LITTLE_ENDIAN);
        InstanceDecoder decoder = new InstanceDecoder(imageModel, 1_000_000, 10_000_000);

        List<Input> inputs = decoder.files(List.of(plain, phone));

        assertThat(decoder.errors()).isEmpty();
        Input.Image upright = (Input.Image) inputs.get(1);
        assertThat(((Input.Image) inputs.get(0)).image().getWidth()).isEqualTo(40);
        assertThat(upright.image().getWidth()).isEqualTo(20);
        assertThat(upright.image().getHeight()).isEqualTo(40);
        // Turned clockwise: the red left half is now the top.
        assertThat(new Color(upright.image().getRGB(10, 5)).getRed()).isGreaterThan(200);
        assertThat(new Color(upright.image().getRGB(10, 35)).getBlue()).isGreaterThan(200);
    }
}

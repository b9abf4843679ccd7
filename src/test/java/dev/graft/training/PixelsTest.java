package dev.graft.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Color;
import java.nio.ByteOrder;

import org.junit.jupiter.api.Test;

import dev.graft.image.PhotoFixtures;

/** Training and ranking decode dataset files through the same reader as prediction. */
class PixelsTest {

    @Test
    void aDatasetPhotoIsTrainedOnUprightAsItsExifOrientationSays() {
        // Stored 40 wide × 20 high, red left and blue right, tagged "turn 90° clockwise to view".
        byte[] phone = PhotoFixtures.withExifOrientation(
                PhotoFixtures.jpeg(PhotoFixtures.halves(40, 20, Color.RED, Color.BLUE)), 6, ByteOrder.BIG_ENDIAN);

        float[] chw = Pixels.toChw(new Input.EncodedImage(phone), 3, 40, 20);

        int plane = 40 * 20;
        int top = 5 * 20 + 10;
        int bottom = 35 * 20 + 10;
        assertThat(chw[top]).as("red at the top").isGreaterThan(0.8f);
        assertThat(chw[2 * plane + top]).as("no blue at the top").isLessThan(0.2f);
        assertThat(chw[2 * plane + bottom]).as("blue at the bottom").isGreaterThan(0.8f);
    }

    @Test
    void aTruncatedDatasetJpegFailsAsInvalidDataRatherThanTrainingOnGrey() {
        byte[] cut = PhotoFixtures.truncated(PhotoFixtures.jpeg(PhotoFixtures.noise(64, 64, 9)));

        assertThatThrownBy(() -> Pixels.toChw(new Input.EncodedImage(cut), 3, 32, 32))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Cannot decode image");
    }
}
